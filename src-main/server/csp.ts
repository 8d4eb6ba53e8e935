// The Content-Security-Policy of the window, one definition for Electron and for `pivot serve`.

/**
 * Scripts only from the app itself; images from the app, the image protocol and data URLs (ECharts exports).
 * `frame-ancestors` only works as an HTTP header, so the <meta> form (Electron's file:// page) leaves it out.
 */
export function contentSecurityPolicy(imageSources: string, form: 'header' | 'meta' = 'header'): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    // Vue transitions and ECharts set element style attributes.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${imageSources}`.trim(),
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  if (form === 'header') directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

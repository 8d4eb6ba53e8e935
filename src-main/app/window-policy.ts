// What the desktop window may do beyond showing the app's own page, decided in plain functions (tested without
// Electron): which links open in the browser, which web permissions a page gets, and where the page comes from.

/** Sites the app links to (the Help menu's paper); a link anywhere else is not opened. */
const EXTERNAL_LINK_HOSTS: ReadonlySet<string> = new Set(['arxiv.org']);

/** Whether `url` may be opened in the user's browser: https, on a site of EXTERNAL_LINK_HOSTS, no user:password@. */
export function isAllowedExternalLink(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && EXTERNAL_LINK_HOSTS.has(parsed.hostname);
}

/**
 * Web permissions the window is granted: none. It needs no camera, microphone, location, notifications, clipboard
 * reads, MIDI or HID, so a request (or a check) for any of them, present or added to Electron later, is denied.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set();

export function isPermissionGranted(permission: string): boolean {
  return GRANTED_PERMISSIONS.has(permission);
}

/**
 * The dev server's URL (electron-vite sets ELECTRON_RENDERER_URL in `npm run dev`), or undefined to load the built
 * page. An installed app ignores the variable: anyone able to set it could otherwise load their own page with the
 * app's preload and IPC.
 */
export function devRendererUrl(env: NodeJS.ProcessEnv, packaged: boolean): string | undefined {
  return packaged ? undefined : env.ELECTRON_RENDERER_URL;
}

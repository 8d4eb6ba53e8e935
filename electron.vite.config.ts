// Builds the three parts of the desktop app: main (Node + Electron), the sandboxed preload, and the window. The main
// build also makes the `pivot` CLI (out/main/cli.js) and the engine host (out/main/engine-host.js), so that neither
// the app nor a built CLI compiles TypeScript at run time.
import { dirname, relative, resolve, sep } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src-main/server/csp';
import { IMAGE_PROTOCOL } from './src-shared/ipc/wire';

/** The window's CSP as a <meta> tag (Electron loads it from file://, where no header can carry it). */
function cspMeta(): Plugin {
  return {
    name: 'pivot-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(`${IMAGE_PROTOCOL}:`, 'meta') }, injectTo: 'head-prepend' },
    ],
  };
}

/** Written into bundles where the package root goes, until each chunk's place is known. */
const PACKAGE_ROOT = '__PIVOT_PACKAGE_ROOT__/';

/**
 * Sources find the package's files (resources/recipes, the native addon's build folder, out/renderer) with
 * `new URL('../…', import.meta.url)`, counted from where they sit in src-main; a bundle sits elsewhere (out/main,
 * out/main/chunks). Each such URL is rewritten to reach the same file from the chunk it ends up in.
 */
export function packageRelativeUrls(): Plugin {
  let outDir = '';
  const toPosix = (path: string): string => path.split(sep).join('/');
  return {
    name: 'pivot-package-relative-urls',
    enforce: 'pre',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    transform(code, id) {
      if (!id.endsWith('.ts') || id.includes('/node_modules/')) return null;
      const rewritten = code.replace(/new URL\((['"])(\.\.\/[^'"]*)\1,\s*import\.meta\.url\)/g, (_all, _quote, path: string) => {
        const fromRoot = toPosix(relative(__dirname, resolve(dirname(id), path))) + (path.endsWith('/') ? '/' : '');
        return `new URL(${JSON.stringify(PACKAGE_ROOT + fromRoot)}, import.meta.url)`;
      });
      return rewritten === code ? null : { code: rewritten, map: null };
    },
    renderChunk(code, chunk) {
      if (!code.includes(PACKAGE_ROOT)) return null;
      const up = toPosix(relative(resolve(outDir, dirname(chunk.fileName)), __dirname));
      return { code: code.split(PACKAGE_ROOT).join(`${up}/`), map: null };
    },
  };
}

export default defineConfig({
  main: {
    plugins: [packageRelativeUrls()],
    build: {
      outDir: 'out/main',
      // The CLI and the engine host also run on plain Node (package.json engines), older than Electron's.
      target: 'node20.19',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          'engine-host': resolve(__dirname, 'src-main/engine/host/entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but electron: bundle what it imports.
      externalizeDeps: false,
      // A sandboxed preload cannot be an ES module.
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue(), cspMeta()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});

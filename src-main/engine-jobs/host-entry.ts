// How to start the engine host: its built JavaScript (out/main/engine-host.js) when the code starting it was built
// too (the `pivot` CLI from out/, the desktop app), else its TypeScript source with tsx's loader preloaded (a checkout
// run from source, the tests). The host always runs in the same form as its parent, so the two never disagree.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface HostLaunch {
  /** The file to fork. */
  entry: string;
  /** Node flags for the host process. */
  execArgv: string[];
}

/** A source module's URL ends in .ts; a built one's does not. */
const BUILT = !import.meta.url.endsWith('.ts');

export interface HostLaunchOptions {
  /** The host will load a TypeScript module (a test double of the engine): only the source host can. */
  loadsTypeScript?: boolean;
}

export function engineHostLaunch(options: HostLaunchOptions = {}): HostLaunch {
  if (BUILT && !options.loadsTypeScript) {
    // The build rewrites this package-relative path for wherever the bundle puts this module (electron.vite.config.ts).
    return { entry: fileURLToPath(new URL('../../out/main/engine-host.js', import.meta.url)), execArgv: [] };
  }
  // Counted from the package root, like the built entry above, so that a built parent finds the source too.
  return { entry: fileURLToPath(new URL('../../src-main/engine/host/entry.ts', import.meta.url)), execArgv: ['--import', tsxLoaderUrl()] };
}

/** tsx's loader as a file URL: `--import` resolves a bare name from the working directory, which may be anywhere. */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

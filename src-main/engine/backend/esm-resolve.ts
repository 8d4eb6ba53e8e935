// Lets plain Node (tsx, the CLI, Electron's externalised deps) load tfjs-core's ES-module tree, where its
// gradients and chained ops live: that tree imports './x' without extensions, which only bundlers resolve.
import { register } from 'node:module';

// Runs on Node's loader thread. Only specifiers written inside tfjs-core's dist/ are touched, and only when
// the `.js` file exists, so every other import resolves exactly as before. Bundled builds (vite, esbuild)
// never reach it because they resolve those imports themselves.
const hook = `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  const inCore = parent && parent.includes('/@tensorflow/tfjs-core/dist/');
  if (inCore && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    const url = new URL(specifier + '.js', parent);
    if (existsSync(fileURLToPath(url))) return next(url.href, context);
  }
  return next(specifier, context);
}`;

const flag = Symbol.for('pivot.tfjsEsmResolveHook');
const scope = globalThis as { [flag]?: true };
if (!scope[flag] && typeof register === 'function') {
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  scope[flag] = true;
}

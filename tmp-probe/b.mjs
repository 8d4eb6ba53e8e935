import { register } from 'node:module';
register(new URL('./hook.mjs', import.meta.url));
const tf = await import('@tensorflow/tfjs-core');
let t = performance.now();
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
console.log('grad load ms plain node', performance.now() - t);

// What the study's probes cost as the world grows: each probe of `pivot demo`'s measuring phase (linear on the
// encoder, linear on encoder + projector, segmentation, alignment) timed on the first N images of a Shapes world,
// one probe seed, for one encoder (a study measures three, each with its probe seeds).
// Usage: npx tsx bench/probe-cost.ts CHECKPOINT WORLD_FOLDER [N,N,...=500,1000,2000] [THREADS]
import { performance } from 'node:perf_hooks';
import { selectBackend } from '../src-main/engine/backend/select';
import { openMllm } from '../src-main/engine/eval/open-mllm';
import { shapesWorldDataset } from '../src-main/engine/probes/image-folder';
import {
  captionLmFeatures, EncoderImages, measureAlignment, measureLinear, measureLinearWithProjector, measureSegmentation, mllmLoadedEncoder, type AlignmentLm,
} from '../src-main/engine/study/measure-encoder';

const [checkpoint, world, sizesArg = '500,1000,2000', threadArg] = process.argv.slice(2);
if (!checkpoint || !world) throw new Error('usage: probe-cost.ts CHECKPOINT WORLD_FOLDER [N,N,...] [THREADS]');
await selectBackend('native', { threads: threadArg ? Number(threadArg) : undefined });
const mllm = await openMllm(checkpoint);
const full = await shapesWorldDataset(world);
const lm: AlignmentLm = { model: mllm.lm, encode: (t) => mllm.tokenizer.encode(t), padId: mllm.padTokenId, source: 'bench' };

const seconds = async (run: () => Promise<unknown>): Promise<string> => {
  const start = performance.now();
  await run();
  return ((performance.now() - start) / 1000).toFixed(1);
};

console.log(`${checkpoint} on ${world}, native, ${threadArg ?? 'all'} threads, one probe seed; seconds`);
console.log('| images | decode | linear | linear (encoder + projector) | segmentation | alignment LM features | alignment |\n|---:|---:|---:|---:|---:|---:|---:|');
for (const n of sizesArg.split(',').map(Number)) {
  const dataset = { ...full, items: full.items.slice(0, n) };
  const images = new EncoderImages(mllmLoadedEncoder(mllm, checkpoint), dataset);
  const decode = await seconds(() => images.all());
  const linear = await seconds(() => measureLinear(images, [0]));
  const projector = await seconds(() => measureLinearWithProjector(images, mllm, [0]));
  const segmentation = await seconds(() => measureSegmentation(images, [0]));
  let lmFeatures: Float32Array[][] = [];
  const features = await seconds(async () => (lmFeatures = await captionLmFeatures(lm, dataset)));
  const alignment = await seconds(() => measureAlignment(images, lm, lmFeatures));
  console.log(`| ${dataset.items.length} | ${decode} | ${linear} | ${projector} | ${segmentation} | ${features} | ${alignment} |`);
}

// Timing script (not a test): a toy CLIP on a generated Shapes world through both probes.
// Run: npx tsx bench/probes.ts [count=500] [backend=cpu] [seeds=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../src-main/engine/backend/select';
import { writeShapesWorld } from '../src-main/engine/data/shapes';
import { CLIPVisionConfig, CLIPVisionModel } from '../src-main/engine/models/clip';
import { encodePatchTokens, visionModelEncoder } from '../src-main/engine/probes/encoder';
import { loadImages, loadMasks } from '../src-main/engine/probes/image-decode';
import { defaultImageProcessor } from '../src-main/engine/models/hf/image-processor';
import { shapesWorldDataset } from '../src-main/engine/probes/image-folder';
import { extractPooledFeatures, linearProbe } from '../src-main/engine/probes/linear-probe';
import { segmentationProbe } from '../src-main/engine/probes/segmentation-probe';

const count = Number(process.argv[2] ?? 500);
const backend = process.argv[3] ?? 'cpu';
const seeds = Array.from({ length: Number(process.argv[4] ?? 3) }, (_, i) => i);
await selectBackend(backend);
const dir = mkdtempSync(join(tmpdir(), 'pivot-probe-bench-'));
let t = performance.now();
const lap = (what: string) => {
  const now = performance.now();
  console.log(`${what}: ${((now - t) / 1000).toFixed(2)} s`);
  t = now;
};
try {
  await writeShapesWorld({ out: dir, count, seed: 3 });
  lap(`world of ${count} images`);
  const model = CLIPVisionModel.randomInit(new CLIPVisionConfig({ hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, image_size: 32, patch_size: 4 }), 11);
  const encoder = visionModelEncoder(model);
  const dataset = await shapesWorldDataset(dir);
  const images = await loadImages(dataset.items.map((i) => i.image), defaultImageProcessor('clip', encoder.imageSize));
  lap('decode');
  const pooled = await extractPooledFeatures(encoder, images, encoder.imageSize, { withCls: true });
  lap('encoder → pooled features');
  const linear = linearProbe(pooled, dataset.items.map((i) => i.label ?? -1), { seeds, classNames: dataset.labelNames, split: dataset.items.map((i) => i.split) });
  lap(`linear probe (${seeds.length} seeds × 4 C + refit)`);
  console.log(`  accuracy ${linear.accuracy.mean.toFixed(3)} ± ${linear.accuracy.std.toFixed(3)}, train ${linear.trainAccuracy.mean.toFixed(3)}, chance ${linear.chance.uniform.toFixed(3)} / majority ${linear.chance.majority.toFixed(3)}, C ${linear.perSeed.map((s) => s.chosenC).join(',')}, iterations ${linear.perSeed.map((s) => s.iterations).join(',')}`);
  const { tokens, channels } = await encodePatchTokens(encoder, images, encoder.imageSize);
  const masks = await loadMasks(dataset.items.map((i) => ({ image: i.image, mask: i.mask as string })));
  lap('encoder → patch tokens, masks');
  const seg = await segmentationProbe(
    { tokens, grid: encoder.grid, channels, masks, numClasses: dataset.maskClassNames.length, split: dataset.items.map((i) => i.split) },
    { seeds },
  );
  lap(`segmentation probe (${seeds.length} seeds, default head)`);
  console.log(`  macro recall ${seg.macroRecall.mean.toFixed(3)} ± ${seg.macroRecall.std.toFixed(3)} (chance ${seg.chance.macroRecall.toFixed(3)}), mIoU ${seg.mIoU.mean.toFixed(3)} ± ${seg.mIoU.std.toFixed(3)} (chance ${seg.chance.mIoU.toFixed(3)}, ceiling ${seg.ceiling.mIoU.toFixed(3)}), train patches ${seg.perSeed[0]?.sizes.trainPatches}`);
  model.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

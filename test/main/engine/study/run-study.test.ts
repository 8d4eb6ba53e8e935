// The study end to end on shapes-quick: both branches trained in one run folder, three encoders measured, a
// report.json whose every number is in [0, 1] with its protocol and chance level, and a self-contained report.html;
// every cell is its own column's measurement, and report.json, the CLI's table and report.html show the same numbers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { COLUMNS, formatTable, runStudy, type WrittenStudyReport } from '../../../../src-main/engine/study';
import type { Measured } from '../../../../src-main/engine/study/measure-encoders';
import type { QaByColumn } from '../../../../src-main/engine/study/qa-row';
import { readQaItems } from '../../../../src-main/engine/eval/qa-items';
import type { ReportExamplesIndex } from '../../../../src-shared/domain/study-examples';
import { studyReportAsWrittenSchema, type MeasuredCell } from '../../../../src-shared/domain/study-report';
import { compareTable } from '../../../../src-shared/domain/study-table';
import { removeTemp, tempFolder } from '../train/helpers';

/**
 * The numbers a shown cell holds: "0.500 ± 0.020" → [0.5, 0.02], "+0.040 [+0.015, +0.065]" → [0.04, 0.015, 0.065],
 * "−0.050" → [−0.05], "—" → null.
 */
function shownNumbers(text: string): number[] | null {
  if (text === '—') return null;
  return text.replace(/[[\],]/g, ' ').split(/ ± | +/).filter((x) => x !== '').map((x) => (x === 'n/a' ? NaN : Number(x.replace('−', '-'))));
}

/** A shown cell holds these numbers to the 3 decimals it prints (n/a where the report has none). */
function expectShownNumbers(text: string, values: (number | null)[] | null, where: string): void {
  const shown = shownNumbers(text);
  if (values === null) return void expect(shown, where).toBeNull();
  expect(shown, where).toHaveLength(values.length);
  values.forEach((v, k) => {
    if (v === null || !Number.isFinite(v)) expect(shown![k], where).toBeNaN();
    else expect(Math.abs(shown![k]! - v), `${where}: ${text} shows ${v}`).toBeLessThanOrEqual(0.0005 + 1e-12);
  });
}

function expectShown(text: string, cell: MeasuredCell | null | undefined, where: string): void {
  expectShownNumbers(text, cell ? (cell.spread === 'single' ? [cell.mean] : [cell.mean, cell.std]) : null, where);
}

const root = tempFolder('demo');
afterAll(() => removeTemp(root));

describe('runStudy', () => {
  it('trains sft and dpo from one base, measures original / SFT / DPO, and writes both reports', async () => {
    const { report: returned } = await runStudy({ out: root, quick: true, seeds: 2, probeImages: 30, gradcamSamples: 3, examples: 2, backend: 'wasm' });
    const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as WrittenStudyReport;
    // What it wrote is report.json as the shared schema describes it, every field kept.
    expect(studyReportAsWrittenSchema.parse(report)).toEqual(report);
    expect(report.recipe.name).toBe('shapes-quick');
    expect(report.seeds).toEqual([0, 1]);
    // The original is the base MLLM's encoder: the last shared stage, where both branches start.
    expect(report.encoders.original.stage).toBe('instruct');
    expect(report.encoders.original.encoder).toBe(join(root, 'run', 'checkpoints', 'instruct-6', 'encoder'));
    expect(report.encoders.sft.checkpoint).toBe(join(root, 'run', 'checkpoints', 'sft-8'));
    expect(report.encoders.dpo.checkpoint).toBe(join(root, 'run', 'checkpoints', 'dpo-8'));
    expect(report.rows.map((r) => r.key)).toEqual(['linear', 'linearProjector', 'segRecall', 'mIoU', 'focus', 'focusSftLoss', 'focusDpoLoss', 'focusStandard', 'alignment', 'qa']);

    for (const key of ['linear', 'linearProjector', 'segRecall', 'mIoU', 'alignment']) {
      const row = report.rows.find((r) => r.key === key)!;
      for (const column of COLUMNS) {
        const cell = row.cells[column]!;
        expect(cell, `${key} ${column}`).not.toBeNull();
        expect(cell.mean).toBeGreaterThanOrEqual(0);
        expect(cell.mean).toBeLessThanOrEqual(1);
        expect(typeof cell.protocol).toBe('string');
        expect(typeof cell.chance).toBe('number');
        if (key !== 'alignment') {
          expect(cell.seeds).toEqual([0, 1]);
          expect(cell.values).toHaveLength(2);
        }
      }
      expect(row.delta!.value).toBeCloseTo(row.cells.dpo!.mean - row.cells.sft!.mean, 12);
    }
    expect(report.rows.find((r) => r.key === 'linear')!.protocol).toBe('linear-probe/mean-pooled-l2');
    // The probes measured the world's first 30 of its 40 images (probeImages), and say so.
    const world = join(root, 'run', 'data');
    for (const key of ['linear', 'linearProjector', 'segRecall', 'alignment']) {
      expect(report.rows.find((r) => r.key === key)!.cells.dpo!.note, key).toContain(`30 images of ${world} (its first 30 of 40)`);
    }
    // The same probe on each MLLM's visual tokens (encoder + projector), its own row and protocol.
    const projectorRow = report.rows.find((r) => r.key === 'linearProjector')!;
    expect(projectorRow.protocol).toBe('linear-probe/mean-pooled-l2/encoder+projector');
    expect(projectorRow.label).toBe('linear probe (encoder + projector)');
    expect(projectorRow.cells.dpo!.note).toMatch(/^DPO encoder \+ projector \(visual tokens\), hidden state 2; /);
    expect(report.rows.find((r) => r.key === 'segRecall')!.protocol).toBe('patch-seg/mlp2-macro-recall');
    // QA accuracy of the three MLLMs on the world's test questions: std = binomial se over those questions.
    const qa = report.rows.find((r) => r.key === 'qa')!;
    const questions = readQaItems(report.world.folder).items;
    expect(qa.protocol).toBe('qa-accuracy/candidate-ranking');
    for (const column of COLUMNS) {
      const cell = qa.cells[column]!;
      expect(cell.values).toHaveLength(questions.length);
      expect(cell.mean).toBeCloseTo(cell.values.reduce<number>((a, b) => a + (b as number), 0) / questions.length, 12);
      expect(cell.std).toBeCloseTo(Math.sqrt((cell.mean * (1 - cell.mean)) / questions.length), 12);
      expect(cell.chance).toBeCloseTo(questions.reduce((a, q) => a + 1 / q.candidates.length, 0) / questions.length, 12);
      expect(cell).toMatchObject({ spread: 'samples', ceiling: 1, seeds: null });
      expect(cell.sampleIds).toEqual(questions.map((q) => q.record.key));
    }
    // Every MLLM answered the same questions: DPO − SFT is taken question by question.
    expect(qa.delta).toMatchObject({ method: 'paired bootstrap over samples', n: questions.length });
    const focus = report.rows.find((r) => r.key === 'focus')!;
    for (const column of ['sft', 'dpo'] as const) {
      expect(focus.cells[column]!.mean).toBeGreaterThanOrEqual(0);
      expect(focus.cells[column]!.mean).toBeLessThanOrEqual(1);
      expect(focus.cells[column]!.chance).toBeGreaterThan(0);
    }
    expect(focus.delta!.value).toBeCloseTo(focus.cells.dpo!.mean - focus.cells.sft!.mean, 12);
    // Standard Grad-CAM on the feature layer (toy encoder: 3 blocks, feature layer −2 = hidden state 2), same 3 pairs.
    const standard = report.rows.find((r) => r.key === 'focusStandard')!;
    expect(standard.protocol).toBe('gradcam-focus/layer/hidden-state-2');
    expect(standard.cells.original).toBeNull();
    expect(standard.cells.sft!.protocol).toBe('gradcam-focus/layer/sft-loss');
    expect(standard.cells.dpo!.protocol).toBe('gradcam-focus/layer/dpo-loss');
    const examples = JSON.parse(readFileSync(join(root, 'examples', 'examples.json'), 'utf8')) as ReportExamplesIndex;
    expect(examples.gradcamLayer).toEqual({ layer: 2, protocol: 'gradcam-focus/layer/hidden-state-2' });
    expect(Object.keys(examples.gradcam[0]!.layerMaps!)).toEqual(['sft', 'dpo']);
    expect(existsSync(join(root, examples.gradcam[0]!.layerMaps!.dpo!))).toBe(true);
    const seg = (report.details.sft as { segmentation: { result: { head: { epochs: number; learningRate: number } } } }).segmentation.result.head;
    expect(seg).toMatchObject({ epochs: 5, learningRate: 1e-3 });
    expect(report.training.stages.map((s) => s.stage)).toEqual(['align', 'instruct', 'sft', 'dpo']);
    // What each probe can see: the linear probe's first-seed test split, the QA questions, each with 2.8 SEs of a difference.
    const reliability = report.reliability!;
    const linearSizes = (report.details.original as { linear: { result: { perSeed: { sizes: { train: number; val: number; test: number } }[] } } }).linear.result.perSeed[0]!.sizes;
    expect(reliability.map((r) => [r.label, r.testSize, r.trainSize])).toEqual([
      ['linear probe acc', linearSizes.test, linearSizes.train + linearSizes.val],
      ['segmentation macro recall', expect.any(Number), expect.any(Number)],
      ['QA accuracy (MLLM)', questions.length, null],
    ]);
    for (const r of reliability) expect(r.smallestDifference).toBeCloseTo(2.801585218112968 * Math.sqrt((2 * r.at * (1 - r.at)) / r.testSize), 12);
    expect(report.backend).toBe('wasm');
    expect(returned.files.json).toBe(join(root, 'report.json'));

    const html = readFileSync(join(root, 'report.html'), 'utf8');
    expect(existsSync(join(root, 'report.html'))).toBe(true);
    expect(html).toContain('<table id="comparison">');
    expect(html).toContain('linear probe acc');
    expect(html).toContain('data:image/png;base64,');
    // Both Grad-CAM methods are pictured for each example pair.
    expect(html.match(/alt="SFT, standard Grad-CAM \(hidden state 2\) [0-9.na/]+"/g)).toHaveLength(2);
    expect(html).toContain('<polyline');
    expect(html).toContain('<h2 id="findings">Findings</h2>');
    expect(html).toContain('<table id="reliability">');
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);

    // Each column is the measurement of its own encoder: its cells are the details measured for that column.
    for (const column of COLUMNS) {
      const details = report.details[column] as Measured;
      expect(report.rows.find((r) => r.key === 'linear')!.cells[column]!.values, column).toEqual(details.linear.result.accuracy.perSeed);
      expect(report.rows.find((r) => r.key === 'linearProjector')!.cells[column]!.values, column).toEqual(details.linearProjector.result.accuracy.perSeed);
      expect(report.rows.find((r) => r.key === 'segRecall')!.cells[column]!.values, column).toEqual(details.segmentation.result.macroRecall.perSeed);
      expect(report.rows.find((r) => r.key === 'mIoU')!.cells[column]!.values, column).toEqual(details.segmentation.result.mIoU.perSeed);
      expect(report.rows.find((r) => r.key === 'alignment')!.cells[column]!.mean, column).toBe(details.alignment.result.max.score);
      expect(report.rows.find((r) => r.key === 'qa')!.cells[column]!.mean, column).toBe((report.details.qa as QaByColumn)[column].accuracy);
    }

    // report.json, the table `pivot study` prints and report.html show the same numbers, row by row and column by column.
    const cli = formatTable(compareTable(report, 'sft', ['dpo'])).trimEnd().split('\n').map((line) => line.split(/ {2,}/));
    expect(cli[0]!.slice(0, 6)).toEqual(['metric', 'original', 'SFT', 'DPO', 'DPO − SFT [95 % interval]', 'verdict']);
    const page = new Window().document;
    page.body.innerHTML = html;
    const htmlRows = [...page.querySelectorAll('#comparison tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
    expect(htmlRows).toHaveLength(report.rows.length);
    report.rows.forEach((r, i) => {
      for (const [source, cells] of [['CLI', cli[i + 2]!], ['report.html', htmlRows[i]!]] as const) {
        expect(cells[0], `${source} row ${i}`).toBe(r.label);
        COLUMNS.forEach((column, j) => expectShown(cells[j + 1]!, r.cells[column], `${source} ${r.key} ${column}`));
        const d = r.delta;
        const interval = d && Number.isFinite(d.low ?? Number.NaN) ? [d.low as number, d.high as number] : [];
        expectShownNumbers(cells[4]!, d ? [d.value, ...interval] : null, `${source} ${r.key} DPO − SFT`);
        if (d) expect(cells[5], `${source} ${r.key} verdict`).toBe(d.verdict);
      }
    });
  }, 90_000);
});

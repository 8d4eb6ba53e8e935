// `pivot data shapes|import|imports|rejections|export`: make the built-in Shapes world, bring datasets in (and list
// the imports kept in the workspace), build pairs from a model's own answers, write curated pairs out.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { IMPORT_FORMATS, type ImportFormat } from '../../src-shared/domain/import-report';
import { PAIR_STATUSES, SPLITS, type PairFilter, type PairStatus, type Split } from '../../src-shared/domain/pairs';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import type { ModelRejectionsSummary } from '../engine/eval/model-rejections';
import { QA_SPLITS, type QaSplit } from '../engine/eval/qa-items';
import { nonNegativeInt, oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { progressBar } from './progress';

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('Make, import and export preference-pair datasets.');

  data
    .command('shapes')
    .description('Write a seeded Shapes-world dataset (images, masks, captions, preference pairs in TRL format).')
    .requiredOption('--out <dir>', 'output folder')
    .requiredOption('--count <n>', 'number of images', positiveInt('--count'))
    .option('--seed <s>', 'random seed; the same seed gives byte-identical files', nonNegativeInt('--seed'), 0)
    .option('--size <px>', 'image side in pixels', positiveInt('--size'), 64)
    .option('--difficulty <spec>', "preset (easy|medium|hard) and knobs, e.g. 'hard' or 'medium,objects=3-6,noise=0.1'")
    .option('--json', 'print one JSON object')
    .action(async (o: { out: string; count: number; seed: number; size: number; difficulty?: string; json?: boolean }) => {
      const { writeShapesWorld } = await import('../engine/data/shapes');
      const bar = progressBar('shapes', !o.json && process.stderr.isTTY === true);
      const summary = await writeShapesWorld(
        { out: o.out, count: o.count, seed: o.seed, size: o.size, ...(o.difficulty ? { difficulty: o.difficulty } : {}) },
        (done, total) => bar.update(done, total),
      );
      bar.done();
      if (o.json) print(summary);
      else process.stdout.write(`Wrote ${summary.images} images and ${summary.pairs} pairs to ${summary.out}\n` +
        `Import them with: pivot data import ${summary.out}/pairs.jsonl --workspace <dir>\n`);
    });

  data
    .command('import')
    .description('Import preference pairs (TRL, RLAIF-V or LLaVA-RLHF; detected when --format is not given).')
    .argument('<file>', 'JSONL or JSON file; image paths are relative to its folder')
    .requiredOption('--workspace <dir>', 'workspace folder (created on first use)')
    .option('--format <format>', IMPORT_FORMATS.join('|'), oneOf('--format', IMPORT_FORMATS))
    .option('--dataset <name>', 'name to file the pairs under (default: <folder>/<file>)')
    .option('--json', 'print exactly one JSON object: {"format", "imported", "rejected", "skipped", "blankLines"}')
    .action(async (file: string, o: { workspace: string; format?: ImportFormat; dataset?: string; json?: boolean }) => {
      const [{ Workspace }, { importDataset }] = await Promise.all([import('../store/workspace'), import('../curation/import-dataset')]);
      const ws = Workspace.open(o.workspace);
      try {
        const bar = progressBar('import', !o.json && process.stderr.isTTY === true);
        const report = await importDataset(ws, file, {
          ...(o.format ? { format: o.format } : {}),
          ...(o.dataset ? { dataset: o.dataset } : {}),
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.done();
        if (o.json) return print(report);
        const blank = report.blankLines > 0 ? `; ${report.blankLines} blank line${report.blankLines === 1 ? '' : 's'} ignored` : '';
        process.stdout.write(
          `Imported ${report.imported} pairs (${report.format}), skipped ${report.skipped} already present, rejected ${report.rejected.length}${blank}.\n`,
        );
        for (const r of report.rejected) {
          const where = r.line !== undefined ? `line ${r.line}` : `index ${r.index}${r.id ? ` (id ${r.id})` : ''}`;
          process.stdout.write(`  ${where}: ${r.reason}\n`);
        }
      } finally {
        ws.close();
      }
    });

  data
    .command('imports')
    .description("List the workspace's import history (newest first), or print one import's rejected records as JSONL.")
    .requiredOption('--workspace <dir>', 'workspace folder')
    .option('--dataset <name>', 'only the imports of this dataset')
    .option('--rejected <id>', 'print the records import <id> rejected, one JSON object per line', positiveInt('--rejected'))
    .option('--json', 'print the history as one JSON array')
    .action(async (o: { workspace: string; dataset?: string; rejected?: number; json?: boolean }) => {
      const { Workspace } = await import('../store/workspace');
      const ws = Workspace.open(o.workspace);
      try {
        if (o.rejected !== undefined) {
          for (const record of ws.imports.rejections(o.rejected)) print(record);
          return;
        }
        const imports = ws.imports.list(o.dataset);
        if (o.json) return print(imports);
        for (const i of imports) {
          process.stdout.write(
            `#${i.id} ${i.at} ${i.dataset} (${i.format}, ${i.file}): imported ${i.imported}, skipped ${i.skipped}, ` +
              `rejected ${i.rejected}, ${i.blankLines} blank lines\n`,
          );
        }
      } finally {
        ws.close();
      }
    });

  data
    .command('rejections')
    .description("Pairs whose rejected answer is the model's own: its answer where wrong, its runner-up where right (same format as the world).")
    .requiredOption('--checkpoint <dir>', 'the MLLM checkpoint whose answers to use (usually the base model, before SFT/DPO)')
    .requiredOption('--data <dir>', 'a Shapes world folder (pivot data shapes)')
    .requiredOption('--out <dir>', 'the new dataset folder (pairs.jsonl, images, captions, tokenizer)')
    .option('--split <split>', `pairs to rewrite (${QA_SPLITS.join('|')})`, oneOf('--split', QA_SPLITS), 'train')
    .option('--limit <n>', 'at most this many pairs (file order)', positiveInt('--limit'))
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object')
    .action(async (o: { checkpoint: string; data: string; out: string; split: QaSplit; limit?: number; backend?: string; threads?: number; json?: boolean }) => {
      const [{ selectBackend }, { openMllm }, { writeModelRejections }] = await Promise.all([
        import('../engine/backend/select'),
        import('../engine/eval/open-mllm'),
        import('../engine/eval/model-rejections'),
      ]);
      await selectBackend(o.backend, { threads: o.threads });
      const model = await openMllm(o.checkpoint);
      const bar = progressBar('rejections', !o.json && process.stderr.isTTY === true);
      let summary: ModelRejectionsSummary;
      try {
        summary = await writeModelRejections(model, o.data, o.out, {
          split: o.split, checkpoint: resolve(o.checkpoint), ...(o.limit ? { limit: o.limit } : {}), onProgress: (done, total) => bar.update(done, total),
        });
      } finally {
        bar.done();
        model.dispose();
      }
      if (o.json) return print(summary);
      process.stdout.write(`Wrote ${summary.pairs} pairs to ${summary.out}: the model was wrong on ${summary.wrong} (its answer is the rejected one), ` +
        `right on ${summary.right} (its runner-up is).\nTrain on them with a recipe whose data.folder is ${summary.out}, or: pivot data import ${summary.out}/pairs.jsonl --workspace <dir>\n`);
    });

  data
    .command('export')
    .description('Write pairs as TRL conversational JSONL with the images beside it.')
    .requiredOption('--workspace <dir>', 'workspace folder')
    .requiredOption('--out <file>', 'output .jsonl file; images go to images/ beside it')
    .option('--format <format>', 'trl', oneOf('--format', ['trl'] as const), 'trl')
    .option('--status <status>', `only pairs with this status (${PAIR_STATUSES.join('|')})`, oneOf('--status', PAIR_STATUSES))
    .option('--split <split>', `only this split (${SPLITS.join('|')})`, oneOf('--split', SPLITS))
    .option('--force', 'replace the output file when it exists')
    .option('--json', 'print one JSON object')
    .action(async (o: { workspace: string; out: string; status?: PairStatus; split?: Split; force?: boolean; json?: boolean }) => {
      const [{ Workspace }, { exportDataset }, { checkExportTarget }] = await Promise.all([
        import('../store/workspace'),
        import('../curation/export-dataset'),
        import('../datasets/export/target'),
      ]);
      const ws = Workspace.open(o.workspace);
      try {
        const filter: PairFilter = { ...(o.status ? { status: [o.status] } : {}), ...(o.split ? { split: o.split } : {}) };
        const out = await checkExportTarget(ws.dir, o.out, o.force === true);
        const result = await exportDataset(ws, out, filter);
        if (o.json) print(result);
        else process.stdout.write(`Wrote ${result.written} pairs and ${result.images} images to ${result.path}\n`);
      } finally {
        ws.close();
      }
    });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

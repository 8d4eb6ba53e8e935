// `pivot study export --to trl OUT`: the workspace's curated pairs and the study's settings as a Python project that
// trains the same base model with TRL + accelerate on a GPU cluster (datasets/export/trl-project).
import type { Command } from 'commander';
import { PAIR_STATUSES, type PairFilter, type PairStatus } from '../../src-shared/domain/pairs';
import { PivotError } from '../../src-shared/errors';
import { oneOf } from './options';

interface StudyExportOptions {
  to: 'trl';
  workspace: string;
  recipe?: string;
  base?: string;
  dataset?: string;
  status?: PairStatus;
  force?: boolean;
  json?: boolean;
}

export function registerStudyExportCommand(study: Command): void {
  study
    .command('export')
    .description('Write the study as a runnable TRL + accelerate project (SFT and DPO scripts, the curated pairs, launch configs) for a GPU cluster.')
    .argument('<out>', 'the project folder to write (its parent must exist)')
    .requiredOption('--to <format>', 'trl', oneOf('--to', ['trl'] as const))
    .requiredOption('--workspace <dir>', 'the workspace whose pairs to export')
    .option('--base <dir|hub-id>', 'the base LLaVA model the scripts train: a LLaVA folder (e.g. from `pivot export --mllm`) or a Hugging Face Hub id')
    .option('--recipe <name|file>', "the study's hyper-parameters from this recipe's sft and dpo branches (default: the paper's β 0.1, DPO LR 1e-6, SFT LR 5e-6)")
    .option('--dataset <name>', 'only pairs imported from this dataset')
    .option('--status <status>', `only pairs with this status (${PAIR_STATUSES.join('|')})`, oneOf('--status', PAIR_STATUSES))
    .option('--force', 'replace OUT when it exists and is not empty')
    .option('--json', 'print one JSON object')
    .action(async (out: string, o: StudyExportOptions) => {
      const [{ Workspace }, { writeTrlProject }, { loadRecipe }] = await Promise.all([
        import('../store/workspace'),
        import('../datasets/export/trl-project/write-project'),
        import('../engine/train/recipe'),
      ]);
      if (o.base === undefined) {
        throw new PivotError('INVALID_REQUEST', 'Give the base model with --base: a LLaVA model folder (e.g. written by `pivot export --mllm`) or a Hugging Face Hub id. TRL trains one LLaVA model, which a recipe does not name.');
      }
      const recipe = o.recipe === undefined ? null : loadRecipe(o.recipe);
      const ws = Workspace.open(o.workspace);
      try {
        const filter: PairFilter = { ...(o.status ? { status: [o.status] } : {}), ...(o.dataset ? { dataset: o.dataset } : {}) };
        const result = await writeTrlProject(ws, { out, base: o.base, recipe, filter, force: o.force === true });
        if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else process.stdout.write(`Wrote the TRL project to ${result.out}: ${result.pairs} pairs, ${result.images} images. Launch lines: ${result.out}/README.md\n`);
      } finally {
        ws.close();
      }
    });
}

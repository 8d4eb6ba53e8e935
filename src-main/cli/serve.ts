// `pivot serve`: the window in a browser, for a headless GPU server used from a laptop.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ServeOptions } from '../server/serve';
import { nonNegativeInt } from './options';

/** The renderer that `npm run build` writes. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** How the served window's runs train: the engine's hosts unless given (tests bring hosts that run a double). */
export type ServeEngine = Pick<ServeOptions, 'engineHost' | 'checkRecipe'>;

export function registerServeCommand(program: Command, engine: ServeEngine = {}): void {
  program
    .command('serve')
    .description('Serve the PIVOT Studio window on 127.0.0.1 (open the printed URL; it carries the access token).')
    .requiredOption('--workspace <dir>', 'workspace folder (created on first use)')
    .option('--port <n>', 'port (0 picks a free one)', nonNegativeInt('--port'), 5317)
    .action(async (o: { workspace: string; port: number }) => {
      const [{ serve }, { Workspace }] = await Promise.all([import('../server/serve'), import('../store/workspace')]);
      if (!existsSync(RENDERER_DIR)) {
        process.stderr.write(`pivot: the window is not built yet; run \`npm run build\` first (looked in ${RENDERER_DIR}).\n`);
      }
      const workspace = Workspace.open(o.workspace);
      const server = await serve({ workspace, rendererDir: RENDERER_DIR, port: o.port, ...engine });
      process.stdout.write(`PIVOT Studio is serving ${workspace.dir}\nOpen ${server.url}\n`);
      const stop = (): void => {
        void server.close().then(() => {
          workspace.close();
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<never>(() => undefined);
    });
}

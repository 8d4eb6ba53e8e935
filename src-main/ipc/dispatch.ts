// Validates a raw request from either transport against the contract and runs its handler; every outcome,
// including a bad channel name or an invalid request, comes back as data.
import { z } from 'zod';
import { contract, isChannelName, type Result } from '../../src-shared/ipc/contract';
import { PivotError } from '../../src-shared/errors';
import { handlers, type HandlerContext } from './handlers';

export async function dispatch(channel: unknown, request: unknown, ctx: HandlerContext): Promise<Result<unknown>> {
  try {
    if (!isChannelName(channel)) {
      throw new PivotError('UNKNOWN_CHANNEL', `Unknown channel ${JSON.stringify(channel)}.`);
    }
    const parsed = contract[channel].request.safeParse(request ?? {});
    if (!parsed.success) {
      throw new PivotError('INVALID_REQUEST', `Invalid request for ${channel}: ${z.prettifyError(parsed.error)}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
    }
    const handler = handlers[channel] as (req: unknown, ctx: HandlerContext) => unknown;
    return { ok: true, data: await handler(parsed.data, ctx) };
  } catch (err) {
    return { ok: false, error: PivotError.toData(err) };
  }
}

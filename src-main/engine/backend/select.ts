// Sets the tfjs backend the engine trains on: the best available (cuda → tensorflow → wasm → cpu) or the one
// asked for, and says why, so the choice can be shown to the user.
import { PivotError } from '../../../src-shared/errors';
import { BACKEND_NAMES, errorMessage, listBackends, type BackendName, type BackendStatus } from './availability';
import { applyThreads } from './native/threads';
import * as tf from './tf';
import { activateWasm } from './wasm/activate';

export { BACKEND_NAMES, listBackends, type BackendName, type BackendStatus } from './availability';

/** The backend now active, and why it was chosen. */
export interface SelectedBackend {
  name: BackendName;
  reason: string;
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'wasm') return activateWasm();
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  // On its first tensor the cpu backend tells Node users to install tfjs-node, which cannot install on these
  // machines (ENVIRONMENT.md) and is what the 'tensorflow' entry reports on; keep the log clean instead.
  if (name === 'cpu') Object.assign(tf.backend(), { firstUse: false });
}

/** How the chosen backend runs. */
export interface BackendSettings {
  /** CPU threads of the native backend (1–1024); when omitted, as before (all cores unless set in this process). */
  threads?: number;
}

/**
 * Makes `preferred` the active backend, or the best available one when none is named. Throws INVALID_REQUEST
 * naming the available backends when `preferred` is unknown or cannot run here, or when `threads` is out of range.
 */
export async function selectBackend(preferred?: string, settings: BackendSettings = {}): Promise<SelectedBackend> {
  // Before the probe, so that the native backend's reason names the threads it will run on.
  if (settings.threads !== undefined) applyThreads(settings.threads);
  const statuses = await listBackends();
  const available = statuses.filter((s) => s.available).map((s) => s.name);
  const here = available.join(', ');
  const details = { requested: preferred, available, backends: statuses };
  if (preferred !== undefined) {
    if (!isBackendName(preferred)) {
      const known = BACKEND_NAMES.join(', ');
      const message = `Unknown backend '${preferred}': choose one of ${known} (available here: ${here}).`;
      throw new PivotError('INVALID_REQUEST', message, details);
    }
    const status = statuses.find((s) => s.name === preferred) as BackendStatus;
    if (!status.available) {
      const message = `Backend '${preferred}' is not available: ${status.reason}. Available here: ${here}.`;
      throw new PivotError('INVALID_REQUEST', message, details);
    }
    await activate(status.name);
    return { name: status.name, reason: `requested: ${status.reason}` };
  }
  const passedOver: string[] = [];
  for (const status of statuses) {
    if (!status.available) {
      passedOver.push(`${status.name}: ${status.reason}`);
      continue;
    }
    try {
      await activate(status.name);
      const why = passedOver.length > 0 ? ` (passed over ${passedOver.join('; ')})` : '';
      return { name: status.name, reason: `best available: ${status.reason}${why}` };
    } catch (err) {
      passedOver.push(`${status.name}: ${errorMessage(err)}`);
    }
  }
  // cpu is always available and setBackend('cpu') does not fail; reaching here means tfjs itself is broken.
  throw new PivotError('INTERNAL', `No backend could be initialised: ${passedOver.join('; ')}`, details);
}

// What a run tells the outside: every RunEvent goes to the listener, and every metrics event is also appended
// to `metrics.jsonl`, from which charts can be redrawn after the fact.
import type { RunEvent } from './api';
import { appendMetrics, readMetrics, writeMetrics } from '../run-folder/metrics';
import type { RunState } from '../run-folder/state';

export class RunLog {
  constructor(private readonly runDir: string, private readonly listener?: (event: RunEvent) => void) {}

  emit(event: RunEvent): void {
    if (event.type === 'metrics') appendMetrics(this.runDir, event);
    this.listener?.(event);
  }

  info(message: string): void {
    this.emit({ type: 'log', level: 'info', message });
  }

  warn(message: string): void {
    this.emit({ type: 'log', level: 'warn', message });
  }

  /**
   * On resume: drops the lines of steps the checkpoints do not hold (they are about to be trained again), so
   * every (stage, step) appears once in the file.
   */
  async keepCheckpointed(state: RunState | null): Promise<void> {
    const kept = readMetrics(this.runDir).filter((line) => {
      const stage = state?.stages[line.stage];
      return stage !== undefined && line.step <= stage.step;
    });
    await writeMetrics(this.runDir, kept);
  }
}

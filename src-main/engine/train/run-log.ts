// What a run tells the outside: every RunEvent goes to the listener, and every metrics event is also appended
// to `metrics.jsonl`, from which charts can be redrawn after the fact.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from './api';
import type { RunState } from './checkpoints';

export const METRICS_FILE = 'metrics.jsonl';

export class RunLog {
  private readonly metricsPath: string;

  constructor(runDir: string, private readonly listener?: (event: RunEvent) => void) {
    this.metricsPath = join(runDir, METRICS_FILE);
  }

  emit(event: RunEvent): void {
    if (event.type === 'metrics') appendFileSync(this.metricsPath, `${JSON.stringify(event)}\n`);
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
  keepCheckpointed(state: RunState | null): void {
    if (!existsSync(this.metricsPath)) return;
    const kept = readFileSync(this.metricsPath, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          const event = JSON.parse(line) as { stage?: string; step?: number };
          const stage = event.stage === undefined ? undefined : state?.stages[event.stage];
          return stage !== undefined && (event.step ?? Infinity) <= stage.step;
        } catch {
          return false;
        }
      });
    writeFileSync(this.metricsPath, kept.map((line) => `${line}\n`).join(''));
  }
}

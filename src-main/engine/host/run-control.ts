// The RunControl the host hands to a job: pause, resume and cancel arrive as messages and take effect when the
// job next checks, between optimisation steps.
import type { RunControl } from '../train/api';

export class HostRunControl implements RunControl {
  private paused = false;
  private stopped = false;
  private waiting: Array<() => void> = [];

  shouldStop(): boolean {
    return this.stopped;
  }

  /**
   * Lets the host's event loop turn once — a training loop that never waits on I/O would otherwise neither hear pause
   * or cancel (they arrive as IPC messages, i.e. macrotasks) nor get its events written to the parent — then, while
   * paused, waits until resumed or cancelled.
   */
  async waitWhilePaused(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  /** Stops the job at its next check; a paused job wakes up to stop. */
  cancel(): void {
    this.stopped = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

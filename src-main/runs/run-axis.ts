// One step axis and one clock for a whole run. The engine counts steps and time per stage or per run (its choice);
// a stage that starts its count again continues here from where the previous stage ended, so every chart of the
// run has a single increasing x.

export class RunAxis {
  private stage: string | null = null;
  private rawStep = 0;
  private rawMs = 0;
  private stepOffset = 0;
  private msOffset = 0;
  private runStep = 0;
  private runMs = 0;

  /** Continues after a point already recorded (a resumed run carries on from its last point kept). */
  continueFrom(point: { stage: string; step: number; elapsedMs: number; runStep: number; runMs: number }): void {
    this.stage = point.stage;
    this.rawStep = point.step;
    this.rawMs = point.elapsedMs;
    this.runStep = point.runStep;
    this.runMs = point.runMs;
    this.stepOffset = point.runStep - point.step;
    this.msOffset = point.runMs - point.elapsedMs;
  }

  /** The run's step and time of a metrics point, given the engine's `step` and `elapsedMs` in `stage`. */
  place(stage: string, step: number, elapsedMs: number): { runStep: number; runMs: number } {
    const newStage = this.stage !== null && stage !== this.stage;
    if (this.stage !== null && (step < this.rawStep || (newStage && step === this.rawStep))) {
      this.stepOffset = this.runStep + 1 - step;
    }
    if (this.stage !== null && elapsedMs < this.rawMs) this.msOffset = this.runMs - elapsedMs;
    this.stage = stage;
    this.rawStep = step;
    this.rawMs = elapsedMs;
    this.runStep = step + this.stepOffset;
    this.runMs = elapsedMs + this.msOffset;
    return { runStep: this.runStep, runMs: this.runMs };
  }
}

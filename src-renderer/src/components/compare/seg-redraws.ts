// Which segmentation examples to draw, and when: an example is drawn only while it is on screen and only when
// something it shows changed (one of its images loaded, or a control moved), so one image loading redraws the one
// example that shows it rather than every example of the report.
import type { SegmentationExample } from '../../../../src-shared/domain/study-examples';

/** Every file an example shows: its image, its ground truth and each prediction. */
export function exampleFiles(example: SegmentationExample): string[] {
  return [example.image, example.truth, ...Object.values(example.predictions)];
}

/** The examples waiting to be drawn, drawn once per scheduled flush when on screen. */
export class ExampleRedraws {
  private readonly examplesOfFile = new Map<string, string[]>();
  private readonly changed = new Set<string>();
  private readonly onScreen = new Set<string>();
  private pending = false;

  /** `draw` paints one example by id; `schedule` arranges one later `flush` (e.g. at the next frame). */
  constructor(
    private readonly draw: (id: string) => void,
    private readonly schedule: (flush: () => void) => void,
  ) {}

  /** The examples shown now; all of them are to be drawn. */
  setExamples(examples: readonly SegmentationExample[]): void {
    this.examplesOfFile.clear();
    this.changed.clear();
    for (const ex of examples) {
      this.changed.add(ex.id);
      for (const file of exampleFiles(ex)) this.examplesOfFile.set(file, [...(this.examplesOfFile.get(file) ?? []), ex.id]);
    }
    this.request();
  }

  /** A file finished decoding: only the examples showing it change. */
  fileLoaded(file: string): void {
    for (const id of this.examplesOfFile.get(file) ?? []) this.changed.add(id);
    this.request();
  }

  /** A control moved (opacity, hidden classes, error map): every example changes, but only those on screen draw. */
  allChanged(): void {
    for (const ids of this.examplesOfFile.values()) for (const id of ids) this.changed.add(id);
    this.request();
  }

  /** An example scrolled into or out of view; one coming into view is drawn if it changed while away. */
  setOnScreen(id: string, visible: boolean): void {
    if (visible) this.onScreen.add(id);
    else this.onScreen.delete(id);
    if (visible && this.changed.has(id)) this.request();
  }

  /** Draws each changed example on screen once; the others wait until they come into view. */
  flush(): void {
    this.pending = false;
    for (const id of [...this.changed]) {
      if (!this.onScreen.has(id)) continue;
      this.changed.delete(id);
      this.draw(id);
    }
  }

  private request(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => this.flush());
  }
}

// A one-line progress bar on stderr, drawn only on a terminal so logs and --json output stay clean.

export function progressBar(label: string, enabled = process.stderr.isTTY === true) {
  let last = 0;
  return {
    /** `note` is shown after the count (e.g. the loss). */
    update(done: number, total: number, note = ''): void {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${note ? ` ${note}` : ''}\x1b[K`);
    },
    done(): void {
      if (enabled) process.stderr.write('\n');
    },
  };
}

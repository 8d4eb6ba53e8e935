// Dates as people read them: "3 min ago" (or "in 2 min") relative to now, and the exact date and time for a tooltip.

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `iso` relative to `nowMs`: "just now", "42 s ago", "3 min ago", "5 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((nowMs - at) / 1000);
  const ago = (amount: string) => (seconds >= 0 ? `${amount} ago` : `in ${amount}`);
  const s = Math.abs(seconds);
  if (s < 10) return 'just now';
  if (s < MINUTE) return ago(`${s} s`);
  if (s < HOUR) return ago(`${Math.floor(s / MINUTE)} min`);
  if (s < DAY) return ago(`${Math.floor(s / HOUR)} h`);
  const days = Math.floor(s / DAY);
  if (days === 1) return seconds >= 0 ? 'yesterday' : 'tomorrow';
  if (days < 7) return ago(`${days} days`);
  return new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** The exact local date and time, seconds included, with the time zone. */
export function exactTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' });
}

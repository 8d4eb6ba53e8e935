// Dates in the Training tab: relative to now in words, the exact date and time for the tooltip.
import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from '../../src-renderer/src/lib/relative-time';

const now = Date.parse('2026-12-03T12:00:00.000Z');
const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('relativeTime', () => {
  it('says how long ago, in the largest whole unit', () => {
    expect([3, 42, 59, 60, 3 * 60 + 59, 59 * 60, 3600, 5 * 3600 + 59 * 60, 86_400, 2 * 86_400, 6 * 86_400].map((s) => relativeTime(before(s), now))).toEqual([
      'just now', '42 s ago', '59 s ago', '1 min ago', '3 min ago', '59 min ago', '1 h ago', '5 h ago', 'yesterday', '2 days ago', '6 days ago',
    ]);
  });

  it('says "in …" for a time ahead (a clock set differently), and the date beyond a week', () => {
    expect(relativeTime(before(-120), now)).toBe('in 2 min');
    expect(relativeTime(before(8 * 86_400), now)).toBe(new Date(now - 8 * 86_400_000).toLocaleDateString(undefined, { dateStyle: 'medium' }));
    expect(relativeTime('not a date', now)).toBe('not a date');
  });

  it('gives the exact time with seconds for the tooltip', () => {
    expect(exactTime('2026-12-03T12:00:07.000Z')).toBe(new Date('2026-12-03T12:00:07.000Z').toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' }));
    expect(exactTime('2026-12-03T12:00:07.000Z')).toMatch(/12|07/);
  });
});

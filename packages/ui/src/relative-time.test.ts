import { describe, expect, it } from 'vitest';
import { formatRelative, parseTime } from './relative-time.ts';

const now = Date.UTC(2026, 5, 15, 12, 0, 0);
const ago = (ms: number) => formatRelative(now - ms, now);

describe('formatRelative', () => {
  it('reads "just now" under 45 s and for times slightly in the future', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(44_000)).toBe('just now');
    expect(ago(-5_000)).toBe('just now');
  });
  it('counts minutes, then hours', () => {
    expect(ago(45_000)).toBe('1 min ago');
    expect(ago(2 * 60_000)).toBe('2 min ago');
    expect(ago(59 * 60_000)).toBe('59 min ago');
    expect(ago(60 * 60_000)).toBe('1 h ago');
    expect(ago(23 * 3600_000 + 59 * 60_000)).toBe('23 h ago');
  });
  it('says yesterday, then days, then a date', () => {
    expect(ago(24 * 3600_000)).toBe('yesterday');
    expect(ago(3 * 24 * 3600_000)).toBe('3 days ago');
    const d = new Date(now - 30 * 24 * 3600_000);
    expect(ago(30 * 24 * 3600_000)).toBe(`May ${d.getDate()}`);
  });
  it('adds the year for another year', () => {
    const then = new Date(2024, 2, 3, 12).getTime();
    expect(formatRelative(then, now)).toBe('Mar 3, 2024');
  });
  it('returns an empty string for a missing time', () => {
    expect(formatRelative(parseTime(undefined), now)).toBe('');
    expect(formatRelative(parseTime('not a date'), now)).toBe('');
    expect(parseTime('2026-06-15T11:58:00.000Z')).toBe(now - 120_000);
  });
});

import { describe, expect, it } from 'vitest';
import { ExpiryWheel } from './expiry.ts';

const T = 1_700_000_000_000;

function setup(now: number) {
  const clock = { now };
  const wheel = new ExpiryWheel(() => clock.now);
  const closed: string[] = [];
  const add = (name: string, expiresAt: number) => {
    const c = { name, expiresAt, close: () => (closed.push(name), wheel.remove(c)) };
    wheel.add(c);
    return c;
  };
  return { clock, wheel, closed, add };
}

describe('ExpiryWheel', () => {
  const cases: [string, number, number, boolean][] = [
    ['expired a second ago', T - 1000, T, true],
    ['expires exactly now', T, T, true],
    ['expires a millisecond from now, same second', T + 1, T, false],
    ['expires within the current second, already past', T + 400, T + 500, true],
    ['expires next second', T + 1500, T + 900, false],
    ['expired long before it was added (an hour)', T - 3600_000, T, true],
  ];
  it.each(cases)('%s: closed=%s', (_name, expiresAt, now, closed) => {
    const s = setup(now);
    s.add('c', expiresAt);
    s.wheel.tick();
    expect(s.closed).toEqual(closed ? ['c'] : []);
  });

  it('closes each stream at the first tick at or after its expiry, and only once', () => {
    const s = setup(T);
    s.add('a', T + 1200);
    s.add('b', T + 2999);
    s.add('c', T + 60_000);
    const at = (ms: number) => {
      s.clock.now = ms;
      s.wheel.tick();
      return [...s.closed];
    };
    expect(at(T + 1199)).toEqual([]);
    expect(at(T + 1200)).toEqual(['a']);
    expect(at(T + 2500)).toEqual(['a']);
    expect(at(T + 3000)).toEqual(['a', 'b']);
    // A clock jump far ahead (suspend, NTP step) still closes what expired meanwhile.
    expect(at(T + 86_400_000)).toEqual(['a', 'b', 'c']);
    expect(at(T + 86_400_500)).toEqual(['a', 'b', 'c']);
  });

  it('a removed stream is never closed by the wheel', () => {
    const s = setup(T);
    const c = s.add('gone', T + 10);
    s.wheel.remove(c);
    s.clock.now = T + 5000;
    s.wheel.tick();
    expect(s.closed).toEqual([]);
  });

  it('a stream added with an expiry below the swept second is still closed', () => {
    const s = setup(T + 10_000);
    s.add('later', T + 20_000);
    s.wheel.tick();
    s.add('late-comer', T + 1000);
    s.wheel.tick();
    expect(s.closed).toEqual(['late-comer']);
  });
});

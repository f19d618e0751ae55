import { describe, expect, it } from 'vitest';
import { HeartbeatWheel, SLOTS } from './heartbeat.ts';

const beating = (id: number) => ({ id, beats: 0, writeRaw(this: { beats: number }) { this.beats++; } });

describe('HeartbeatWheel', () => {
  it('visits one slot per tick, so each connection gets one heartbeat per full turn', () => {
    const wheel = new HeartbeatWheel(16_000);
    const conns = Array.from({ length: 40 }, (_, i) => beating(i + 1));
    for (const c of conns) wheel.add(c);
    for (let t = 0; t < SLOTS; t++) wheel.tick();
    expect(conns.map((c) => c.beats)).toEqual(conns.map(() => 1));
  });

  const cases: [string, number, number[]][] = [
    ['after one tick only slot 0 (ids ≡ 0 mod SLOTS) has beaten', 1, [SLOTS, 2 * SLOTS]],
    ['after two ticks slots 0 and 1 have', 2, [1, SLOTS, SLOTS + 1, 2 * SLOTS]],
  ];
  it.each(cases)('%s', (_name, ticks, beaten) => {
    const wheel = new HeartbeatWheel(16_000);
    const conns = Array.from({ length: 2 * SLOTS }, (_, i) => beating(i + 1));
    for (const c of conns) wheel.add(c);
    for (let t = 0; t < ticks; t++) wheel.tick();
    expect(conns.filter((c) => c.beats > 0).map((c) => c.id)).toEqual(beaten);
  });

  it('a removed connection gets no more heartbeats', () => {
    const wheel = new HeartbeatWheel(16_000);
    const c = beating(SLOTS);
    wheel.add(c);
    wheel.remove(c);
    for (let t = 0; t < SLOTS; t++) wheel.tick();
    expect(c.beats).toBe(0);
  });
});

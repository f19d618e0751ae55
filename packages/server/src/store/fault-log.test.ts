import { describe, expect, it } from 'vitest';
import { FaultLog } from './fault-log.ts';
import type { StoreHealthChange } from './store.ts';

describe('FaultLog', () => {
  it('reports each change once, not each meeting, and counts every meeting', () => {
    const told: StoreHealthChange[] = [];
    const log = new FaultLog((c) => told.push(c));
    for (const f of ['disk_full', 'disk_full', 'busy'] as const) {
      log.count(f);
      log.enter(f, f);
    }
    log.clear('back');
    log.clear('back again');
    expect(told).toEqual([
      { writable: false, fault: 'disk_full', detail: 'disk_full' },
      { writable: false, fault: 'busy', detail: 'busy' },
      { writable: true, detail: 'back' },
    ]);
    expect(log.snapshot()).toEqual({ writable: true, faults: { disk_full: 2, busy: 1 } });
  });

  it('a lasting fault wins over a clear in the snapshot', () => {
    const log = new FaultLog(() => {});
    log.count('corrupt');
    expect(log.snapshot('corrupt')).toEqual({ writable: false, fault: 'corrupt', faults: { corrupt: 1 } });
    log.enter('io_error', 'io');
    expect(log.snapshot()).toMatchObject({ writable: false, fault: 'io_error' });
  });

  it('a report that throws does not reach the writer', () => {
    const log = new FaultLog(() => {
      throw new Error('log down');
    });
    expect(() => log.enter('busy', 'busy')).not.toThrow();
    expect(log.fault).toBe('busy');
  });
});

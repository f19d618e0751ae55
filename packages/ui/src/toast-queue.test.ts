import type { Notification, Severity } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_TOASTS, dismissToast, expireToasts, extendToasts, keepToasts, nextExpiry, pushToast, type ToastState } from './toast-queue.ts';

const n = (id: string, severity: Severity = 'info'): Notification => ({
  id,
  recipient: 'alice',
  title: `t-${id}`,
  severity,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const ids = (s: ToastState) => s.visible.map((t) => t.notification.id);
const pending = (s: ToastState) => s.pending.map((t) => t.notification.id);

describe('toast queue', () => {
  it('times a toast out after the duration', () => {
    let s = pushToast(EMPTY_TOASTS, n('a'), 1000);
    expect(s.visible[0].expiresAt).toBe(6000);
    expect(nextExpiry(s)).toBe(6000);
    s = expireToasts(s, 5999);
    expect(ids(s)).toEqual(['a']);
    s = expireToasts(s, 6000);
    expect(ids(s)).toEqual([]);
    expect(nextExpiry(s)).toBeNull();
  });

  it('keeps critical toasts until dismissed', () => {
    let s = pushToast(EMPTY_TOASTS, n('c', 'critical'), 0);
    expect(s.visible[0].expiresAt).toBeNull();
    s = expireToasts(s, 10 ** 9);
    expect(ids(s)).toEqual(['c']);
    s = dismissToast(s, 'c', 0);
    expect(ids(s)).toEqual([]);
  });

  it('shows at most three, pushing out the oldest non-critical', () => {
    let s = EMPTY_TOASTS;
    s = pushToast(s, n('c1', 'critical'), 0);
    s = pushToast(s, n('a'), 1);
    s = pushToast(s, n('b'), 2);
    s = pushToast(s, n('d'), 3);
    expect(ids(s)).toEqual(['c1', 'b', 'd']);
    expect(pending(s)).toEqual([]);
  });

  it('queues newcomers while every slot is critical, and promotes on dismiss', () => {
    let s = EMPTY_TOASTS;
    for (const id of ['c1', 'c2', 'c3']) s = pushToast(s, n(id, 'critical'), 0);
    s = pushToast(s, n('x'), 100);
    expect(ids(s)).toEqual(['c1', 'c2', 'c3']);
    expect(pending(s)).toEqual(['x']);
    s = dismissToast(s, 'c2', 500);
    expect(ids(s)).toEqual(['c1', 'c3', 'x']);
    // Its timer starts when it shows, not when it arrived.
    expect(s.visible[2].expiresAt).toBe(5500);
  });

  it('bounds the waiting queue, dropping waiting non-critical first', () => {
    let s = EMPTY_TOASTS;
    for (const id of ['c1', 'c2', 'c3']) s = pushToast(s, n(id, 'critical'), 0);
    s = pushToast(s, n('w-crit', 'critical'), 0);
    for (let i = 0; i < 12; i++) s = pushToast(s, n(`w${i}`), 0, { maxPending: 5 });
    expect(s.pending.length).toBe(5);
    expect(pending(s)[0]).toBe('w-crit');
    expect(pending(s).slice(1)).toEqual(['w8', 'w9', 'w10', 'w11']);
  });

  it('ignores a notification it already shows or holds', () => {
    const s1 = pushToast(EMPTY_TOASTS, n('a'), 0);
    expect(pushToast(s1, n('a'), 10)).toBe(s1);
  });

  it('extends timed toasts so none vanishes under the pointer', () => {
    let s = pushToast(EMPTY_TOASTS, n('a'), 0);
    s = pushToast(s, n('c', 'critical'), 0);
    s = extendToasts(s, 4900, 2000);
    expect(s.visible.map((t) => t.expiresAt)).toEqual([6900, null]);
    s = extendToasts(s, 0, 2000);
    expect(s.visible[0].expiresAt).toBe(6900);
  });

  it('dismissing an unknown id changes nothing', () => {
    const s = pushToast(EMPTY_TOASTS, n('a'), 0);
    expect(dismissToast(s, 'zzz', 0)).toBe(s);
  });

  it('keeps only toasts whose notification still belongs to the inbox, waiting ones included', () => {
    let s = EMPTY_TOASTS;
    for (const id of ['c1', 'c2', 'c3', 'c4']) s = pushToast(s, n(id, 'critical'), 0);
    expect(pending(s)).toEqual(['c4']);
    const same = keepToasts(s, () => true, 10);
    expect(same).toBe(s);
    s = keepToasts(s, (x) => x.id === 'c2', 10);
    expect(ids(s)).toEqual(['c2']);
    expect(pending(s)).toEqual([]);
    expect(keepToasts(s, () => false, 20)).toEqual(EMPTY_TOASTS);
  });
});

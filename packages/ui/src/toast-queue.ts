/**
 * The toast policy, pure: which toasts are on screen, which wait, and when each leaves.
 *
 * - At most `max` toasts show at once. A new one pushes out the oldest non-critical toast.
 * - Critical toasts stay until dismissed; when every visible toast is critical, newcomers wait
 *   in a bounded queue and show as soon as a slot frees (a flood never hides a critical one).
 * - A toast leaves `durationMs` after it was shown; showing the same notification twice is a
 *   no-op (a resumed stream or a second tab must not double-toast).
 */
import type { Notification } from '@herald/protocol';

export interface Toast {
  notification: Notification;
  /** Epoch ms when it auto-dismisses; null for a critical toast or one still waiting. */
  expiresAt: number | null;
}

export interface ToastState {
  visible: readonly Toast[];
  pending: readonly Toast[];
}

export interface ToastPolicy {
  /** Most toasts on screen at once. Default 3. */
  max: number;
  /** How long a non-critical toast stays, in ms. Default 5000. */
  durationMs: number;
  /** Most toasts waiting while every slot holds a critical one. Default 10. */
  maxPending: number;
}

export const TOAST_DEFAULTS: ToastPolicy = { max: 3, durationMs: 5000, maxPending: 10 };

export const EMPTY_TOASTS: ToastState = { visible: [], pending: [] };

const isCritical = (t: Toast) => t.notification.severity === 'critical';

function show(t: Toast, now: number, p: ToastPolicy): Toast {
  return { notification: t.notification, expiresAt: isCritical(t) ? null : now + p.durationMs };
}

/** Moves waiting toasts into free slots, oldest first. */
function promote(visible: Toast[], pending: Toast[], now: number, p: ToastPolicy): ToastState {
  while (visible.length < p.max && pending.length > 0) visible.push(show(pending.shift()!, now, p));
  return { visible, pending };
}

/** Adds a toast for a newly arrived notification. */
export function pushToast(state: ToastState, n: Notification, now: number, policy: Partial<ToastPolicy> = {}): ToastState {
  const p = { ...TOAST_DEFAULTS, ...policy };
  const seen = (t: Toast) => t.notification.id === n.id;
  if (state.visible.some(seen) || state.pending.some(seen)) return state;
  const visible = [...state.visible];
  const pending = [...state.pending];
  const toast: Toast = { notification: n, expiresAt: null };
  if (visible.length >= p.max) {
    const victim = visible.findIndex((t) => !isCritical(t));
    if (victim === -1) {
      pending.push(toast);
      // Past the bound, drop the oldest waiting non-critical toast, else the oldest waiting one.
      while (pending.length > p.maxPending) {
        const drop = pending.findIndex((t) => !isCritical(t));
        pending.splice(drop === -1 ? 0 : drop, 1);
      }
      return { visible, pending };
    }
    visible.splice(victim, 1);
  }
  visible.push(show(toast, now, p));
  return { visible, pending };
}

/** Removes a toast (the user closed it). */
export function dismissToast(state: ToastState, id: string, now: number, policy: Partial<ToastPolicy> = {}): ToastState {
  return keepToasts(state, (n) => n.id !== id, now, policy);
}

/**
 * Keeps only the toasts (shown or waiting) whose notification passes `keep`: one read elsewhere,
 * archived, or no longer in the inbox at all (the user changed) goes.
 */
export function keepToasts(state: ToastState, keep: (n: Notification) => boolean, now: number, policy: Partial<ToastPolicy> = {}): ToastState {
  const kept = (t: Toast) => keep(t.notification);
  if (state.visible.every(kept) && state.pending.every(kept)) return state;
  return promote(state.visible.filter(kept), state.pending.filter(kept), now, { ...TOAST_DEFAULTS, ...policy });
}

/** Removes every toast whose time is up at `now`. */
export function expireToasts(state: ToastState, now: number, policy: Partial<ToastPolicy> = {}): ToastState {
  const alive = (t: Toast) => t.expiresAt === null || t.expiresAt > now;
  if (state.visible.every(alive)) return state;
  return promote(state.visible.filter(alive), [...state.pending], now, { ...TOAST_DEFAULTS, ...policy });
}

/**
 * Gives every timed toast at least `ms` more from `now`: called when the pointer leaves the
 * toasts, so a toast never vanishes while someone is reading it (WCAG 2.2.1).
 */
export function extendToasts(state: ToastState, now: number, ms: number): ToastState {
  return {
    visible: state.visible.map((t) => (t.expiresAt === null ? t : { ...t, expiresAt: Math.max(t.expiresAt, now + ms) })),
    pending: state.pending,
  };
}

/** The earliest auto-dismiss time, so one timer serves every toast; null when none is timed. */
export function nextExpiry(state: ToastState): number | null {
  let next: number | null = null;
  for (const t of state.visible) if (t.expiresAt !== null && (next === null || t.expiresAt < next)) next = t.expiresAt;
  return next;
}

/**
 * `@herald/ui`: the `<herald-bell>` custom element and its pure parts. Importing this module
 * registers nothing; call `defineHeraldBell()` (or load the `dist/herald-bell.js` bundle, which
 * does it and wires the SDK in).
 */
export { HeraldBell, type BellConnectOptions, type SourceFactory } from './bell-element.ts';
export type { ConnectionState, HeraldSource, InboxSource, InboxView, SourceEvents } from './source.ts';
export { badgeText, bellLabel, BADGE_CAP } from './badge.ts';
export { formatRelative } from './relative-time.ts';
export { pushToast, dismissToast, expireToasts, nextExpiry, TOAST_DEFAULTS, type Toast, type ToastState, type ToastPolicy } from './toast-queue.ts';
export { defineHeraldBell } from './define.ts';

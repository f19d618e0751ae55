/**
 * `@herald/react`: a provider that owns one SDK client, hooks that only subscribe to its events,
 * and `<NotificationBell>` (the `<herald-bell>` element bound to that client).
 */
export { HeraldProvider, type HeraldProviderProps } from './provider.ts';
export { useHeraldClient, type HeraldClientLike } from './context.ts';
export { useConnectionState, useNotifications, useUnreadCount, type NotificationsApi } from './hooks.ts';
export { NotificationBell, type NotificationBellProps } from './notification-bell.ts';

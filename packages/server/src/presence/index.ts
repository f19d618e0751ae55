/** The presence seam (open streams, connection limits) and its implementations. */
export { PRESENCE_LIMIT_DEFAULTS, type Lease, type Presence, type PresenceEntry, type PresenceLimits, type PresenceStats } from './presence.ts';
export { createLocalPresence, LocalPresence, type LocalPresenceOptions } from './local-presence.ts';
export { createRedisPresence, RedisPresence, type RedisPresenceOptions } from './redis-presence.ts';

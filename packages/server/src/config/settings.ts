/**
 * The one table of every configuration setting. Each is an environment variable and a
 * `herald serve` flag; the README table and the CLI flags are generated from it, so descriptions
 * are written for users. Defaults are written as a user would type them and parsed by the same
 * parser as user input.
 *
 * A setting's key is the camelCase of its flag (`--max-streams-per-ip` → `maxStreamsPerIp`),
 * which is also the property name commander gives the parsed flag.
 */
import { JWT_ALGORITHMS } from '../auth/jwt-key.ts';

/**
 * Value types. `duration` takes milliseconds or a number with a unit (`500ms`, `30s`, `5m`,
 * `1h`, `7d`) and yields ms. `pem` takes PEM text or `@/path/to/file`. `trust-proxy` takes
 * `false`, `true`, a hop count, or a comma list of addresses/CIDRs.
 */
export type SettingType = 'string' | 'int' | 'bool' | 'enum' | 'list' | 'url' | 'duration' | 'pem' | 'trust-proxy';

export interface SettingSpec {
  env: string;
  flag: string;
  type: SettingType;
  description: string;
  /** As the user would type it; absent means unset unless `defaultText` explains a derived one. */
  default?: string;
  /** Shown in the docs when the default is derived from other settings. */
  defaultText?: string;
  /** Inclusive bounds for `int` and `duration` (ms). */
  min?: number;
  max?: number;
  /** Allowed values of an `enum`. */
  values?: readonly string[];
  /** Allowed URL schemes (without `:`) of a `url`. */
  schemes?: readonly string[];
  /** Never echoed in messages: secrets and URLs that may carry a password. */
  sensitive?: boolean;
}

const MiB = 1024 * 1024;
const DAY = 86_400_000;
const CLI_VISIBLE = ' Prefer the environment variable: command lines are visible to other local users.';

export const SETTINGS = {
  port: { env: 'HERALD_PORT', flag: '--port', type: 'int', default: '8080', min: 0, max: 65535, description: 'TCP port to listen on; 0 picks a free port.' },
  host: { env: 'HERALD_HOST', flag: '--host', type: 'string', default: '127.0.0.1', description: 'Address to listen on. The default accepts only local connections; use 0.0.0.0 in a container or behind a proxy on another host.' },
  dataDir: { env: 'HERALD_DATA_DIR', flag: '--data-dir', type: 'string', default: './.herald', description: 'Directory of the SQLite database and of the generated development secrets.' },
  env: { env: 'HERALD_ENV', flag: '--env', type: 'enum', values: ['production', 'development'], defaultText: 'development, or production when NODE_ENV=production', description: 'Production refuses development shortcuts: generated secrets, the demo page, wildcard CORS.' },
  jwtSecret: { env: 'HERALD_JWT_SECRET', flag: '--jwt-secret', type: 'string', sensitive: true, description: `HMAC secret (at least 32 bytes) verifying subscriber tokens signed with HS256/384/512.${CLI_VISIBLE}` },
  jwtPublicKey: { env: 'HERALD_JWT_PUBLIC_KEY', flag: '--jwt-public-key', type: 'pem', description: 'PEM public key or certificate verifying subscriber tokens (RS*, PS*, ES*, EdDSA), as text or @/path/to/file.' },
  jwksUrl: { env: 'HERALD_JWKS_URL', flag: '--jwks-url', type: 'url', schemes: ['https', 'http'], description: 'JWKS URL of your identity provider; keys are picked by kid, cached, and refetched on rotation. Production requires https (http only on loopback).' },
  jwtAlg: { env: 'HERALD_JWT_ALG', flag: '--jwt-alg', type: 'enum', values: JWT_ALGORITHMS, defaultText: 'HS256 with a secret, RS256 with a public key or JWKS', description: 'The only signature algorithm accepted; the token header never chooses it. `none` is not accepted.' },
  jwtAudience: { env: 'HERALD_JWT_AUDIENCE', flag: '--jwt-audience', type: 'string', description: 'When set, tokens must carry this `aud`.' },
  jwtIssuer: { env: 'HERALD_JWT_ISSUER', flag: '--jwt-issuer', type: 'string', description: 'When set, tokens must carry this `iss`.' },
  jwtLeewayS: { env: 'HERALD_JWT_LEEWAY_S', flag: '--jwt-leeway-s', type: 'int', default: '5', min: 0, max: 300, description: 'Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds: the one leeway of every route, ticket and open stream.' },
  apiKeys: { env: 'HERALD_API_KEYS', flag: '--api-keys', type: 'string', sensitive: true, description: `Publisher keys, \`key:scope+scope,key2:scope\`; scopes \`publish\` and \`admin\` (admin does not imply publish). Keys are at least 16 characters; create one with \`herald keys create\`.${CLI_VISIBLE}` },
  corsOrigins: { env: 'HERALD_CORS_ORIGINS', flag: '--cors-origins', type: 'list', default: '', description: 'Exact browser origins allowed to call Herald, comma-separated (`https://app.example.com`). They are also the origins allowed to use the cookie on writes. `*` is refused in production.' },
  databaseUrl: { env: 'DATABASE_URL', flag: '--database-url', type: 'url', schemes: ['postgres', 'postgresql'], sensitive: true, description: 'A postgres:// URL selects PostgreSQL instead of the embedded SQLite file.' },
  redisUrl: { env: 'REDIS_URL', flag: '--redis-url', type: 'url', schemes: ['redis', 'rediss'], sensitive: true, description: 'A redis:// URL selects the Redis bus, for several processes or nodes.' },
  redisSharded: { env: 'HERALD_REDIS_SHARDED', flag: '--redis-sharded', type: 'bool', default: 'false', description: 'Use sharded pub/sub (SPUBLISH), for Redis Cluster.' },
  workers: { env: 'HERALD_WORKERS', flag: '--workers', type: 'int', default: '1', min: 1, max: 64, description: 'Worker processes on this machine, sharing the port; above 1 it needs REDIS_URL (workers share events over Redis).' },
  heartbeatMs: { env: 'HERALD_HEARTBEAT_MS', flag: '--heartbeat-ms', type: 'duration', default: '15000', min: 1000, max: 300_000, description: 'Interval of the heartbeat comments that keep streams alive through proxies.' },
  retryMs: { env: 'HERALD_RETRY_MS', flag: '--retry-ms', type: 'duration', default: '3000', min: 100, max: 600_000, description: 'Reconnect delay sent to clients as `retry:`, jittered per connection so reconnects spread out.' },
  drainMs: { env: 'HERALD_DRAIN_MS', flag: '--drain-ms', type: 'duration', default: '10000', min: 0, max: 600_000, description: 'On SIGTERM, time given to close streams gradually before exiting.' },
  ticketTtlS: { env: 'HERALD_TICKET_TTL_S', flag: '--ticket-ttl-s', type: 'int', default: '30', min: 1, max: 60, description: 'Lifetime of a single-use stream ticket, in seconds (at most 60).' },
  trustProxy: { env: 'HERALD_TRUST_PROXY', flag: '--trust-proxy', type: 'trust-proxy', default: 'false', description: 'Whether X-Forwarded-For is believed: `false`, `true` (any proxy), a hop count, or a comma list of proxy addresses/CIDRs (`10.0.0.0/8,loopback`).' },
  bodyLimit: { env: 'HERALD_BODY_LIMIT', flag: '--body-limit', type: 'int', default: '65536', min: 1024, max: 10 * MiB, description: 'Largest request body, in bytes (larger gets 413).' },
  maxDataBytes: { env: 'HERALD_MAX_DATA_BYTES', flag: '--max-data-bytes', type: 'int', default: '16384', min: 1, max: 10 * MiB, description: 'Largest `data` of a notification or topic event, in bytes of JSON.' },
  maxRecipients: { env: 'HERALD_MAX_RECIPIENTS', flag: '--max-recipients', type: 'int', default: '1000', min: 1, max: 1000, description: 'Most recipients in one publish.' },
  maxTopicsPerStream: { env: 'HERALD_MAX_TOPICS_PER_STREAM', flag: '--max-topics-per-stream', type: 'int', default: '32', min: 1, max: 1024, description: 'Most topics one stream may subscribe to.' },
  maxStreamsPerUser: { env: 'HERALD_MAX_STREAMS_PER_USER', flag: '--max-streams-per-user', type: 'int', default: '20', min: 1, max: 100_000, description: 'Most open streams of one user (across nodes when Redis is used); more get 429.' },
  maxStreamsPerIp: { env: 'HERALD_MAX_STREAMS_PER_IP', flag: '--max-streams-per-ip', type: 'int', default: '200', min: 1, max: 1_000_000, description: 'Most open streams from one client address; more get 429.' },
  maxNewConnectionsPerS: { env: 'HERALD_MAX_NEW_CONNECTIONS_PER_S', flag: '--max-new-connections-per-s', type: 'int', default: '500', min: 1, max: 1_000_000, description: 'New streams accepted per second by one process; more get 429 with Retry-After. Only a request with a valid credential and allowed topics spends it, and one user at most half of it at once and a tenth of its rate, so neither a stranger nor one account can use it up.' },
  publishRate: { env: 'HERALD_PUBLISH_RATE', flag: '--publish-rate', type: 'int', default: '1000', min: 1, max: 1_000_000, description: 'Publish requests per second per API key (token bucket refill); more get 429.' },
  publishBurst: { env: 'HERALD_PUBLISH_BURST', flag: '--publish-burst', type: 'int', default: '2000', min: 1, max: 10_000_000, description: 'Publish requests an API key may send at once (token bucket size).' },
  streamBufferBytes: { env: 'HERALD_STREAM_BUFFER_BYTES', flag: '--stream-buffer-bytes', type: 'int', default: '1048576', min: 4096, max: 64 * MiB, description: 'Unsent bytes buffered per stream before a slow consumer is disconnected (it resumes without loss).' },
  retentionEvents: { env: 'HERALD_RETENTION_EVENTS', flag: '--retention-events', type: 'int', default: '1000', min: 1, max: 10_000_000, description: 'Events kept per user for resuming streams; older cursors get `reset`.' },
  retentionAge: { env: 'HERALD_RETENTION_AGE', flag: '--retention-age', type: 'duration', default: '7d', min: 1000, max: 365 * DAY, description: 'Age after which per-user events are dropped (notifications stay in the inbox).' },
  topicRetentionEvents: { env: 'HERALD_TOPIC_RETENTION_EVENTS', flag: '--topic-retention-events', type: 'int', default: '10000', min: 1, max: 100_000_000, description: 'Topic events kept for resuming streams.' },
  topicRetentionAge: { env: 'HERALD_TOPIC_RETENTION_AGE', flag: '--topic-retention-age', type: 'duration', default: '1h', min: 1000, max: 365 * DAY, description: 'Age after which topic events are dropped.' },
  headersTimeoutMs: { env: 'HERALD_HEADERS_TIMEOUT_MS', flag: '--headers-timeout-ms', type: 'duration', default: '10000', min: 1000, max: 600_000, description: 'Time a client has to send its request headers (slowloris defence).' },
  idleTimeoutMs: { env: 'HERALD_IDLE_TIMEOUT_MS', flag: '--idle-timeout-ms', type: 'duration', default: '65000', min: 1000, max: 3_600_000, description: 'Idle keep-alive time of non-stream connections; keep it above your load balancer\'s.' },
  logLevel: { env: 'HERALD_LOG_LEVEL', flag: '--log-level', type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'Log level. Logs never contain tokens, tickets, keys or cookies.' },
  metrics: { env: 'HERALD_METRICS', flag: '--metrics', type: 'bool', default: 'true', description: 'Serve Prometheus metrics at /metrics.' },
  demo: { env: 'HERALD_DEMO', flag: '--demo', type: 'bool', defaultText: 'true in development; refused in production', description: 'Serve the demo page, which signs tokens for any user with the development secret.' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

/** Whether an X-Forwarded-For is believed: never, always, N hops, or from these addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

type ValueOf<S> = S extends { type: 'int' | 'duration' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { type: 'list' }
        ? string[]
        : S extends { type: 'trust-proxy' }
          ? TrustProxy
          : string;

/** The parsed value of every setting; settings without a default may be undefined. */
export type SettingValues = {
  [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> | ((typeof SETTINGS)[K] extends { default: string } ? never : undefined);
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The commander flag definition, e.g. `--port <int>` or `--metrics [bool]`. */
export function cliFlag(key: SettingKey): string {
  const s: SettingSpec = SETTINGS[key];
  if (s.type === 'bool') return `${s.flag} [bool]`;
  return `${s.flag} <${s.type === 'enum' ? 'value' : s.type}>`;
}

/** What the HTTP layer is built from: the hub, the authenticators and the limits. */
import type { ApiKeyAuthenticator, JwtVerifier, TicketIssuer } from '../auth/index.ts';
import type { Hub } from '../hub/hub.ts';

export interface HttpLimits {
  /** Bytes; larger bodies get 413 `body_too_large`. */
  bodyLimit: number;
  /** Bytes of a notification's or topic event's `data`, as JSON. */
  maxDataBytes: number;
  maxRecipients: number;
  maxTopicsPerStream: number;
  /** Publishes per second per API key (token bucket refill), and the bucket size. */
  publishRate: number;
  publishBurst: number;
  /** New streams per second accepted by this process. */
  maxNewConnectionsPerS: number;
}

export interface AppOptions {
  hub: Hub;
  jwt: JwtVerifier;
  apiKeys: ApiKeyAuthenticator;
  tickets: TicketIssuer;
  /** Exact origins allowed for CORS and for cookie auth on writes. */
  corsOrigins: readonly string[];
  limits: HttpLimits;
  /** Fastify `trustProxy`: false, true (every hop), or a list of proxy addresses/CIDRs. */
  trustProxy: boolean | string[];
  /** Whether the bus and store are ready (for `/readyz`), and why not (`reasons`, by check). */
  ready(): Promise<{ ok: boolean; checks: Record<string, boolean>; reasons?: Record<string, string> }>;
  /** Cluster-wide presence and stats, when known beyond this process. */
  presence?: {
    online(users: string[]): Promise<Record<string, { online: boolean; streams: number }>>;
    stats(): Promise<{ connections: number; users: number; nodes: number }>;
  };
  /** Dev mode: the demo page and its token/publish helpers. */
  demo?: { signToken(user: string): Promise<string> };
  /** Directory holding the built browser bundles (`herald-bell.js`, …). */
  distDir: string;
  /** Directory holding `demo.html` and `admin.html`. */
  assetsDir: string;
  logger: boolean | object;
  /** Serve Prometheus metrics at `/metrics`. Default true. */
  metrics?: boolean;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  clock?: () => number;
}

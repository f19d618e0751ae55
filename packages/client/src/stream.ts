/**
 * An SSE reader over `fetch` (so it can send `Authorization`, which EventSource cannot), with
 * reconnects, Last-Event-ID resume, explicit connection states, a heartbeat watchdog and a
 * fallback for proxies that buffer the stream. Browser APIs (fetch, window, document,
 * navigator) are injected, so all of it runs in Node tests.
 */
import { backoff } from './backoff.ts';
import { createParser, type SseEvent } from './parser.ts';

/**
 * - `connecting`: first attempt; `live`: events flow; `reconnecting`: waiting or retrying after a
 *   drop; `offline`: the browser is offline or the stream was closed; `failed`: refused for good
 *   (401/403 without a fresh token, or another 4xx); `polling`: the stream looks buffered by a
 *   proxy, so the inbox is polled while streaming is retried now and then.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'failed' | 'polling';

/**
 * A state change. `reason` is an error code from the server (`invalid_token`, …) or one of
 * `network`, `eof`, `heartbeat`, `timeout`, `http_<status>`, `content_type`, `auth`, `offline`,
 * `online`, `visible`, `buffered`, `closed`.
 */
export interface StateEvent {
  oldState: ConnectionState;
  newState: ConnectionState;
  reason?: string;
}

/**
 * The event of a move from `from` to `to`, or null when there is no move. Pure; every owner of a
 * connection state (the stream, the relay, the shared connection) reports its moves with it.
 */
export function stateChange(from: ConnectionState, to: ConnectionState, reason?: string): StateEvent | null {
  if (from === to) return null;
  const ev: StateEvent = { oldState: from, newState: to };
  if (reason) ev.reason = reason;
  return ev;
}

type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Gives the bearer token (a JWT), or nothing for cookie auth. `refresh` is true when the last
 * token was refused (401/403): return a new one, or the same one to give up.
 */
export type TokenSource = (refresh: boolean) => string | null | undefined | Promise<string | null | undefined>;

export interface StreamOptions {
  /** The full stream URL, query included (`…/v1/stream?topics=a,b`). */
  url: string;
  /** Receives every dispatched event; `event.id` is the cursor. */
  onEvent(event: SseEvent): void;
  /** Receives every state change. */
  onState?(event: StateEvent): void;
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** A fixed bearer token. */
  token?: string;
  /** Called with `false` for the first token, with `true` after a 401/403: a new token reconnects at once. */
  getToken?: TokenSource;
  /** Default `same-origin`; `include` sends the `herald_token` cookie cross-origin. */
  credentials?: RequestCredentials;
  /** The cursor to resume from. */
  lastEventId?: string;
  /** Backoff floor when the server sent no `retry:`. Default 1000. */
  minDelayMs?: number;
  /** Backoff ceiling. Default 30000. */
  maxDelayMs?: number;
  /** Heartbeat interval assumed until `ready` announces one; the watchdog fires at 2×. Default 15000. */
  heartbeatMs?: number;
  /** Attempts in a row that got headers but no body byte before falling back to polling. Default 2. */
  silentAttempts?: number;
  /** While polling, how often to try streaming again. Default 60000. */
  probeMs?: number;
  /** Random source for the jitter. Default `Math.random`. */
  random?: () => number;
  /** Source of `online`/`offline`; default `globalThis.window`; `null` to ignore. */
  window?: Listenable | null;
  /** Source of `visibilitychange`; default `globalThis.document`; `null` to ignore. */
  document?: (Listenable & { visibilityState?: string }) | null;
  /** `onLine === false` at connect waits for `online`. Default `globalThis.navigator`. */
  navigator?: { onLine?: boolean } | null;
}

export interface Stream {
  readonly state: ConnectionState;
  /** The cursor of the last event received (or the one given). */
  readonly lastEventId: string | undefined;
  /** Opens the stream; after `failed` or `close()`, starts over. */
  connect(): void;
  /** Closes the stream and stops every timer and listener; state becomes `offline` (`closed`). */
  close(): void;
}

const DEFAULTS = {
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  heartbeatMs: 15_000,
  silentAttempts: 2,
  probeMs: 60_000,
  credentials: 'same-origin' as RequestCredentials,
};

/**
 * Delays a server announces are honoured within the ranges Herald's own server sends: `retry:`
 * 100 ms to 10 min, `ready`'s heartbeat 1 s to 5 min. `retry: 0` would reconnect in a hot loop,
 * a heartbeat of 1 ms would call every stream dead, and a delay past 2^31 - 1 ms fires a timer
 * at once.
 */
const within = (min: number, max: number, ms: number) => Math.min(max, Math.max(min, ms));

/**
 * Whether an event id can be sent back as `Last-Event-ID`: visible ASCII, at most 256
 * characters (Herald's own ids are far shorter). fetch throws on a header character past
 * Latin-1, so one odd id from a broken server would fail every reconnect; such ids are not
 * kept as the cursor.
 */
export const isCursor = (id: string): boolean => /^[\x21-\x7e]{1,256}$/.test(id);

const g = globalThis as { window?: Listenable; document?: Listenable & { visibilityState?: string }; navigator?: { onLine?: boolean } };

/** Creates a stream; nothing happens until `connect()`. */
export function createStream(options: StreamOptions): Stream {
  const o = { ...DEFAULTS, ...options };
  const win = o.window === undefined ? g.window : o.window;
  const doc = o.document === undefined ? g.document : o.document;
  const nav = o.navigator === undefined ? g.navigator : o.navigator;
  const f = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));

  let state: ConnectionState = 'offline';
  let cursor = o.lastEventId;
  let token = o.token;
  let serverRetry: number | undefined;
  let hb = o.heartbeatMs;
  let attempt = 0;
  let silent = 0;
  let authTries = 0;
  // Every attempt gets a generation; async steps of an older one see the change and stop.
  let gen = 0;
  let ctrl: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dog: ReturnType<typeof setTimeout> | undefined;
  let lastByte = 0;
  let listening = false;

  const parser = createParser({
    onEvent(e) {
      if (isCursor(e.id)) cursor = e.id;
      if (e.event === 'ready') {
        try {
          const ms: unknown = JSON.parse(e.data).heartbeatMs;
          if (typeof ms === 'number' && ms > 0) hb = within(1000, 300_000, ms);
        } catch {
          // A malformed ready still means the stream works.
        }
      }
      if (state !== 'live') {
        attempt = silent = authTries = 0;
        set('live');
      }
      o.onEvent(e);
    },
    onRetry(ms) {
      serverRetry = within(100, 600_000, ms);
    },
  });

  function set(next: ConnectionState, reason?: string): void {
    const ev = stateChange(state, next, reason);
    state = next;
    if (ev) o.onState?.(ev);
  }

  function stop(): void {
    gen++;
    ctrl?.abort();
    ctrl = undefined;
    clearTimeout(timer);
    clearTimeout(dog);
  }

  function watch(onDead: () => void): void {
    clearTimeout(dog);
    dog = setTimeout(onDead, 2 * hb);
  }

  /** Schedules the next attempt after a failure of the current one. */
  function retry(reason: string, wasSilent = false, delay?: number): void {
    stop();
    if (wasSilent && ++silent >= o.silentAttempts) set('polling', 'buffered');
    if (state === 'polling') delay = o.probeMs;
    else set('reconnecting', reason);
    delay ??= backoff(attempt++, serverRetry ?? o.minDelayMs, o.maxDelayMs, o.random);
    timer = setTimeout(open, delay);
  }

  function fail(reason: string): void {
    stop();
    set('failed', reason);
  }

  async function refused(res: Response, my: number): Promise<void> {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    if (my !== gen) return;
    const code = body?.error?.code ?? `http_${res.status}`;
    const s = res.status;
    if (s === 401 || s === 403) {
      const fresh = o.getToken && authTries++ < 3 ? await o.getToken(true) : undefined;
      if (my !== gen) return;
      if (fresh && fresh !== token) {
        token = fresh;
        return retry('auth', false, 0);
      }
      return fail(code);
    }
    if (code === 'invalid_cursor') {
      // At once without the cursor; a server that refuses a request that had none backs off.
      const had = cursor !== undefined;
      cursor = undefined;
      return retry(code, false, had ? 0 : undefined);
    }
    if (s === 408 || s === 429 || s >= 500) return retry(code);
    fail(code);
  }

  /** Starts an attempt; timers and listeners call this, so it returns nothing to float. */
  function open(): void {
    // Never rejects: connectOnce() turns every failure into a retry or the failed state itself.
    void connectOnce();
  }

  async function connectOnce(): Promise<void> {
    stop();
    const my = gen;
    const c = new AbortController();
    ctrl = c;
    let headers = false;
    let got = false;
    const dead = () => {
      if (my === gen) retry(got ? 'heartbeat' : headers ? 'buffered' : 'timeout', headers && !got);
    };
    watch(dead);
    try {
      if (token === undefined && o.getToken) token = (await o.getToken(false)) ?? undefined;
      if (my !== gen) return;
      const h: Record<string, string> = { accept: 'text/event-stream' };
      if (token) h.authorization = `Bearer ${token}`;
      if (cursor) h['last-event-id'] = cursor;
      const res = await f(o.url, { headers: h, signal: c.signal, credentials: o.credentials, cache: 'no-store' });
      if (my !== gen) return;
      if (!res.ok) return await refused(res, my);
      if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) return retry('content_type');
      headers = true;
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      parser.reset();
      for (;;) {
        const { done, value } = await reader.read();
        if (my !== gen) return;
        if (done) break;
        got = true;
        silent = 0;
        lastByte = Date.now();
        parser.feed(dec.decode(value, { stream: true }));
        if (my !== gen) return;
        // Armed after the feed: a `ready` in this chunk may have announced the interval.
        watch(dead);
      }
      retry(got ? 'eof' : 'buffered', !got);
    } catch {
      if (my === gen) retry('network');
    }
  }

  function onOffline(): void {
    stop();
    set('offline', 'offline');
  }

  function onOnline(): void {
    if (state !== 'offline') return;
    attempt = 0;
    set('reconnecting', 'online');
    open();
  }

  function onVisible(): void {
    if (doc?.visibilityState !== 'visible') return;
    // Background timers are throttled: catch up on a pending retry or a silent stream now.
    if (state === 'reconnecting' && !ctrl) open(); else if (state === 'live' && Date.now() - lastByte > 2 * hb) retry('heartbeat', false, 0);
  }

  function listen(on: boolean): void {
    if (on === listening) return;
    listening = on;
    const m = on ? 'addEventListener' : 'removeEventListener';
    win?.[m]('online', onOnline);
    win?.[m]('offline', onOffline);
    doc?.[m]('visibilitychange', onVisible);
  }

  return {
    get state() {
      return state;
    },
    get lastEventId() {
      return cursor;
    },
    connect() {
      if (state !== 'offline' && state !== 'failed') return;
      stop();
      attempt = silent = authTries = 0;
      listen(true);
      if (nav?.onLine === false) return set('offline', 'offline');
      set('connecting');
      open();
    },
    close() {
      stop();
      listen(false);
      set('offline', 'closed');
    },
  };
}

/**
 * `createHerald`: the SDK's front door. Wires the stream (shared between tabs when the browser
 * has Web Locks), the inbox model and REST calls, and one typed event surface.
 */
import { HeraldError, STREAM_EVENTS, isErrorCode } from '@herald/protocol';
import { createEmitter, type On } from './emitter.ts';
import { readyUser, tokenSubject } from './identity.ts';
import { createInbox, type Inbox, type InboxEvents } from './inbox.ts';
import type { LockManagerLike } from './leader.ts';
import type { SseEvent } from './parser.ts';
import type { StorageLike } from './relay.ts';
import { createSharedConnection } from './shared-connection.ts';
import { createStream, type ConnectionState, type StateEvent, type StreamOptions, type TokenSource } from './stream.ts';

/** A topic event as the SDK delivers it. */
export interface TopicMessage {
  topic: string;
  /** The publisher's event name, or `message`. */
  event: string;
  data: unknown;
  at: string;
  /** The cursor of this event. */
  id: string;
}

/** Every event `herald.on()` offers. */
export interface HeraldEvents extends InboxEvents {
  topic: TopicMessage;
  connection: StateEvent;
}

export interface HeraldOptions {
  /** The Herald server's base URL, e.g. `https://herald.example.com`. */
  url: string;
  /** A fixed user token (JWT). Without `token` and `getToken`, the `herald_token` cookie is used. */
  token?: string;
  /** Gives the user token; called again with `true` when the server refused the last one. */
  getToken?: TokenSource;
  /** Topics to subscribe to (each must be allowed by the token). Default none. */
  topics?: string[];
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default `same-origin`; `include` sends the cookie cross-origin. */
  credentials?: RequestCredentials;
  /**
   * One connection per browser and user, shared by that user's tabs. Default: true where Web
   * Locks and BroadcastChannel exist. The user is the token's `sub`, or (ticket, cookie) the
   * `ready` event's `user`; a tab whose user changes leaves the old user's group at once.
   */
  share?: boolean;
  /** Tabs with the same key *and the same user* share a connection. Default: the url and the topics. */
  shareKey?: string;
  /** Loads the first inbox page and the counts on `connect()`. Default true. */
  autoLoad?: boolean;
  /** Inbox poll interval while the stream is buffered by a proxy (state `polling`). Default 30000. */
  pollMs?: number;
  /**
   * A REST call without a complete answer by then rejects (a `TimeoutError`), so a server or
   * proxy that accepts and never answers cannot leave the inbox loading for ever. Default 30000.
   */
  requestTimeoutMs?: number;
  /** Stream tuning: delays, heartbeat, probing and the injected window/document/navigator. */
  stream?: Partial<Omit<StreamOptions, 'url' | 'onEvent' | 'onState' | 'fetch' | 'token' | 'getToken' | 'credentials' | 'lastEventId'>>;
  /** Default `navigator.locks`. */
  locks?: LockManagerLike;
  /** Default `new BroadcastChannel(name)`. */
  channel?: (name: string) => BroadcastChannel;
  /** Default `localStorage` where readable. */
  storage?: StorageLike | null;
}

export interface Herald {
  readonly inbox: Inbox;
  /** Subscribes to an event; returns the unsubscribe function. */
  on: On<HeraldEvents>;
  readonly state: ConnectionState;
  /** Whether this tab holds the shared connection (always true when not sharing). */
  readonly leader: boolean;
  /** The user this tab is signed in as (the token's `sub`, or `ready`'s `user`), once known. */
  readonly user: string | undefined;
  /** Opens the stream (and loads the inbox unless `autoLoad: false`). Idempotent. */
  connect(): void;
  /** Closes the stream, leaves the election and stops polling. */
  close(): void;
}

const INBOX_EVENTS = new Set<string>(STREAM_EVENTS);

const g = globalThis as { navigator?: { locks?: LockManagerLike }; localStorage?: StorageLike };

function defaultStorage(): StorageLike | null {
  try {
    // Reading localStorage throws where storage is blocked.
    return g.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Creates a client; nothing is fetched until `connect()`. */
export function createHerald(o: HeraldOptions): Herald {
  const base = o.url.replace(/\/+$/, '');
  const f = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const topics = o.topics ?? [];
  const locks = o.locks ?? g.navigator?.locks;
  const share = o.share ?? (!!locks && typeof BroadcastChannel !== 'undefined');
  const em = createEmitter<HeraldEvents>();

  let conn: { readonly state: ConnectionState; close(): void; readonly leader?: boolean; readonly user?: string; identify?(user: string): void } | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;
  // The user of this tab when not sharing (the shared connection tracks its own).
  let me: string | undefined;

  /** Every identity seen (a token's `sub`, a `ready`'s `user`) goes here: another user resets the tab. */
  function identify(user: string | undefined): void {
    if (user === undefined) return;
    if (conn?.identify) return conn.identify(user);
    const from = me;
    me = user;
    if (from !== undefined && from !== user) switched();
  }

  /** Loads the first page and the counts unless `autoLoad: false`. */
  function load(): void {
    if (o.autoLoad === false) return;
    Promise.all([inbox.list(), inbox.counts()]).catch(() => {
      // Not lost: the snapshot stays `loaded: false`, and the next load (a reset, the bell
      // opening, polling) retries; the SDK has no logger, and callers' own calls reject.
    });
  }

  /**
   * A refreshed token source gave no token: the user signed out. The tab leaves its group at once
   * and keeps nothing of the user; `connect()` starts over after a new sign-in.
   */
  function signedOut(): void {
    const c = conn;
    conn = me = tok = undefined;
    c?.close();
    inbox.clear();
  }

  /** The tab's user changed: nothing of the old user's stays, and the new user's inbox loads. */
  function switched(): void {
    inbox.clear();
    load();
  }

  // One token for the stream and the REST calls; refreshed once per refusal. A refreshed token
  // may name another user (login as someone else: identify() moves the tab) or be missing
  // (signed out: signedOut() leaves).
  let tok: Promise<string | undefined> | undefined;
  const token = (refresh: boolean) =>
    !refresh && tok
      ? tok
      : (tok = Promise.resolve(o.getToken ? o.getToken(refresh) : o.token).then((t) => {
          if (t) identify(tokenSubject(t));
          else if (refresh) signedOut();
          return t ?? undefined;
        }));

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, retried = false): Promise<T> {
    const t = await token(false);
    const headers: Record<string, string> = {};
    if (t) headers.authorization = `Bearer ${t}`;
    if (body) headers['content-type'] = 'application/json';
    // One signal for the headers and the body: it also ends a body that never completes.
    const signal = AbortSignal.timeout(o.requestTimeoutMs ?? 30_000);
    const res = await f(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: o.credentials, signal });
    if (res.status === 401 && o.getToken && !retried && (await token(true)) !== t) return request(method, path, body, true);
    // A body cut off by the timeout rejects like the fetch; any other unreadable body is null.
    const json = await res.json().catch((e: unknown) => (signal.aborted ? Promise.reject(e) : null));
    if (res.ok) return json as T;
    const err = json?.error;
    throw new HeraldError(isErrorCode(err?.code) ? err.code : res.status >= 500 ? 'unavailable' : 'bad_request', err?.message ?? `HTTP ${res.status}`);
  }

  const inbox = createInbox({ request, emit: em.emit });

  function onEvent(e: SseEvent): void {
    let data: unknown = e.data;
    try {
      data = JSON.parse(e.data);
    } catch {
      // Not JSON: delivered as text.
    }
    // Not sharing, a stream's ready names its user (sharing, the shared connection checks it).
    if (e.event === 'ready' && !conn?.identify) identify(readyUser(e.data));
    if (INBOX_EVENTS.has(e.event)) inbox.apply(e.event, data);
    else em.emit('topic', { ...(data as Omit<TopicMessage, 'event' | 'id'>), event: e.event, id: e.id });
  }

  function onState(s: StateEvent): void {
    // A buffering proxy: keep the inbox fresh by polling until the stream flows again.
    clearInterval(poll);
    if (s.newState === 'polling') {
      const tick = (): void => {
        inbox.refresh(true).catch(() => {
          // The next tick polls again; the connection state already says the stream is buffered.
        });
      };
      tick();
      poll = setInterval(tick, o.pollMs ?? 30_000);
    }
    em.emit('connection', s);
  }

  function open(lastEventId: string | undefined, sink: { onEvent(e: SseEvent): void; onState(s: StateEvent): void }) {
    const query = topics.length ? `?topics=${topics.map(encodeURIComponent).join(',')}` : '';
    const s = createStream({
      ...o.stream,
      ...sink,
      url: `${base}/v1/stream${query}`,
      fetch: f,
      token: o.token,
      getToken: o.getToken && token,
      credentials: o.credentials,
      lastEventId,
    });
    s.connect();
    return s;
  }

  return {
    inbox,
    on: em.on,
    get state() {
      return conn?.state ?? 'offline';
    },
    get leader() {
      return conn?.leader ?? true;
    },
    get user() {
      return conn?.user ?? me;
    },
    connect() {
      if (conn && conn.state !== 'failed' && conn.state !== 'offline') return;
      conn?.close();
      if (share && locks) {
        conn = createSharedConnection({
          scope: o.shareKey ?? `${base}|${topics.join(',')}`,
          locks,
          channel: o.channel ?? ((n) => new BroadcastChannel(n)),
          storage: o.storage === undefined ? defaultStorage() : o.storage,
          // The token's sub when it has one: known before any tab leads or follows.
          firstUser: o.token || o.getToken ? token(false).then((t) => t && tokenSubject(t)) : Promise.resolve(undefined),
          open,
          onEvent,
          onState,
          onUser: switched,
          window: o.stream?.window,
          document: o.stream?.document,
        });
      } else conn = open(undefined, { onEvent, onState });
      load();
    },
    close() {
      clearInterval(poll);
      conn?.close();
      conn = undefined;
    },
  };
}

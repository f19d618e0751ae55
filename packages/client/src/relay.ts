/**
 * One connection per browser. The tabs elect a leader ({@link createElector}); the leader holds
 * the stream and relays every parsed event and state change over a BroadcastChannel; followers
 * apply what it relays. Every tab tracks the cursor (the last event id), so whichever tab leads
 * next resumes from it and loses nothing; replayed duplicates are dropped by id.
 *
 * Frozen-tab guard: the leader beats on the channel every `beatMs`; it lets go of the lock on
 * `freeze` and `pagehide`; a follower that hears no beat for `deadMs` steals the lock.
 *
 * One user per group: the name carries the user (see `shareKey`), and, in depth, every message
 * carries `user` too; a tab drops any message of another user, and a leader whose stream says
 * (in `ready`) that it now belongs to someone else relays nothing more and reports it.
 */
import { readyUser } from './identity.ts';
import { createElector, type LockManagerLike } from './leader.ts';
import type { SseEvent } from './parser.ts';
import { isCursor, stateChange, type ConnectionState, type StateEvent } from './stream.ts';

/** The part of BroadcastChannel this uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  close(): void;
}

/** The part of localStorage this uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What the leader's stream reports into. */
export interface StreamSink {
  onEvent(e: SseEvent): void;
  onState(s: StateEvent): void;
}

type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface RelayOptions {
  /** Names the lock, the channel and the storage key; tabs with the same name share one stream. */
  name: string;
  /**
   * The user whose group this is. Every message is tagged with it; messages of another user and
   * `ready` events naming another user are dropped. Default none (no check).
   */
  user?: string;
  /**
   * Called when this tab's own stream announces (in `ready`) another user than `user`: nothing
   * from that stream is applied or relayed any more. The owner should close this relay and join
   * that user's group.
   */
  onUser?(user: string): void;
  /** The cursor to resume from when this tab leads before hearing any event. Default none. */
  cursor?: string;
  channel: ChannelLike;
  locks: LockManagerLike;
  /** Keeps the cursor for a tab that becomes leader before it heard any event. Default none. */
  storage?: StorageLike | null;
  /** Opens (and connects) the stream when this tab leads, resuming from `cursor`. */
  open(cursor: string | undefined, sink: StreamSink): { close(): void };
  /** Every event once, whether from this tab's stream or relayed. */
  onEvent(e: SseEvent): void;
  /** Connection state changes, this tab's own or the leader's. */
  onState(s: StateEvent): void;
  /** Leader beat interval. Default 1000. */
  beatMs?: number;
  /** Silence after which a follower steals the lock. Default 5000. */
  deadMs?: number;
  /** A stored cursor older than this is not resumed from (replaying old topic events). Default 10000. */
  cursorTtlMs?: number;
  /** Source of `pagehide`/`pageshow`. Default `globalThis.window`; `null` to ignore. */
  window?: Listenable | null;
  /** Source of `freeze`/`resume`. Default `globalThis.document`; `null` to ignore. */
  document?: Listenable | null;
  now?: () => number;
}

export interface Relay {
  readonly leader: boolean;
  readonly state: ConnectionState;
  readonly cursor: string | undefined;
  close(): void;
}

/** `u`: the user of the tab that sent it (defence in depth; the channel name carries it too). */
type Message = ({ t: 'e'; e: SseEvent } | { t: 's'; s: StateEvent } | { t: 'b'; c?: string; s: ConnectionState } | { t: 'q' }) & { u?: string };

const DEFAULTS = { beatMs: 1000, deadMs: 5000, cursorTtlMs: 10_000, now: Date.now };
/** Ids remembered for dropping duplicates; a resume replays far fewer than this. */
const REMEMBER = 512;

const g = globalThis as { window?: Listenable; document?: Listenable };

/** Joins the election and starts relaying; see {@link Relay}. */
export function createRelay(options: RelayOptions): Relay {
  const o = { ...DEFAULTS, ...options };
  const win = o.window === undefined ? g.window : o.window;
  const doc = o.document === undefined ? g.document : o.document;
  const key = `herald:cursor:${o.name}`;
  let state: ConnectionState = 'connecting';
  let cursor = o.cursor;
  let lastBeat = o.now();
  let stream: { close(): void } | undefined;
  let term: object | undefined;
  const ids = new Set<string>();

  function setState(next: ConnectionState, reason?: string): void {
    const ev = stateChange(state, next, reason);
    state = next;
    if (ev) o.onState(ev);
  }

  /** Applies an event once; returns false for a duplicate. */
  function accept(e: SseEvent): boolean {
    // `ready`, `reset` and `counts` repeat the current cursor by design (counts carries no id
    // of its own) and are idempotent snapshots: never dropped.
    if (e.event !== 'ready' && e.event !== 'reset' && e.event !== 'counts' && e.id) {
      if (ids.has(e.id)) return false;
      ids.add(e.id);
      if (ids.size > REMEMBER) ids.delete(ids.values().next().value!);
    }
    if (isCursor(e.id)) cursor = e.id;
    o.onEvent(e);
    return true;
  }

  const post = (m: Message) => o.channel.postMessage(o.user === undefined ? m : { ...m, u: o.user });

  /** The other user a `ready` names, when it names one other than this group's. */
  function foreign(e: SseEvent): string | undefined {
    if (e.event !== 'ready' || o.user === undefined) return undefined;
    const u = readyUser(e.data);
    return u !== undefined && u !== o.user ? u : undefined;
  }

  /** Keeps the cursor where a tab that has heard nothing yet can find it. */
  function save(): void {
    o.storage?.setItem(key, JSON.stringify({ c: cursor, t: o.now() }));
  }

  function beat(): void {
    post({ t: 'b', c: cursor, s: state });
    save();
  }

  function lead(yes: boolean): void {
    // Detached first: its closing `offline` must not reach the other tabs.
    const old = stream;
    stream = undefined;
    term = undefined;
    old?.close();
    if (!yes) {
      // Followers hear the next leader within deadMs, or steal.
      lastBeat = o.now();
      return;
    }
    if (cursor === undefined) {
      try {
        const saved = JSON.parse(o.storage?.getItem(key) ?? 'null') as { c?: string; t: number } | null;
        if (saved && o.now() - saved.t < o.cursorTtlMs) cursor = saved.c;
      } catch {
        // Unreadable storage: start from now.
      }
    }
    // The term this stream belongs to: a closed stream's late callbacks are ignored.
    const me = (term = {});
    stream = o.open(cursor, {
      onEvent(e) {
        if (term !== me) return;
        const other = foreign(e);
        if (other !== undefined) {
          // The token changed hands under this stream: nothing more from it reaches anyone.
          term = undefined;
          o.onUser?.(other);
          return;
        }
        if (!accept(e)) return;
        post({ t: 'e', e });
        save();
      },
      onState(ev) {
        if (term !== me) return;
        setState(ev.newState, ev.reason);
        post({ t: 's', s: ev });
      },
    });
    beat();
  }

  const elector = createElector({ locks: o.locks, name: `herald:${o.name}`, onChange: lead });

  function onMessage({ data: m }: MessageEvent<Message>): void {
    if (m.u !== o.user) return;
    if (elector.leader) {
      if (m.t === 'q') beat();
      return;
    }
    lastBeat = o.now();
    if (m.t === 'e') {
      if (foreign(m.e) === undefined) accept(m.e);
    }
    else if (m.t === 's') setState(m.s.newState, m.s.reason);
    else if (m.t === 'b') {
      if (m.c !== undefined) cursor = m.c;
      setState(m.s);
    }
  }

  const timer = setInterval(() => {
    if (elector.leader) beat();
    else if (o.now() - lastBeat > o.deadMs) {
      lastBeat = o.now();
      elector.steal();
    }
  }, o.beatMs);

  const pause = () => elector.pause();
  const resume = () => {
    lastBeat = o.now();
    elector.resume();
  };

  o.channel.addEventListener('message', onMessage);
  win?.addEventListener('pagehide', pause);
  win?.addEventListener('pageshow', resume);
  doc?.addEventListener('freeze', pause);
  doc?.addEventListener('resume', resume);
  post({ t: 'q' });

  return {
    get leader() {
      return elector.leader;
    },
    get state() {
      return state;
    },
    get cursor() {
      return cursor;
    },
    close() {
      clearInterval(timer);
      elector.close();
      o.channel.removeEventListener('message', onMessage);
      win?.removeEventListener('pagehide', pause);
      win?.removeEventListener('pageshow', resume);
      doc?.removeEventListener('freeze', pause);
      doc?.removeEventListener('resume', resume);
      o.channel.close();
    },
  };
}

/**
 * One connection per browser *per user*. A tab shares a stream ({@link createRelay}) only with
 * tabs of the same user: the group's lock and channel are named by {@link shareKey} from the
 * user this tab is signed in as, and a tab joins no group before it knows that user.
 *
 * - With a readable token, the user is its `sub`, known before any stream opens.
 * - With a ticket, a cookie or an opaque token, the tab first opens a stream of its own (the
 *   probe) and learns the user from its `ready`; then it closes that stream and joins the user's
 *   group, resuming from the cursor `ready` gave, so a tab that leads loses nothing.
 * - When the user changes (a refreshed token names someone else, or a leader's stream says so
 *   in `ready`), the tab leaves the old group at once (lock released, channel closed), reports
 *   the change so the owner drops the old user's state, then joins the new user's group.
 */
import { readyUser, shareKey } from './identity.ts';
import type { LockManagerLike } from './leader.ts';
import type { SseEvent } from './parser.ts';
import { createRelay, type ChannelLike, type RelayOptions, type StorageLike, type StreamSink } from './relay.ts';
import { stateChange, type ConnectionState, type StateEvent } from './stream.ts';

type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface SharedConnectionOptions {
  /** What else tabs must agree on to share a stream (Herald's URL and the topics). */
  scope: string;
  locks: LockManagerLike;
  /** Opens the BroadcastChannel of that name. */
  channel(name: string): ChannelLike;
  storage?: StorageLike | null;
  /**
   * The user of the first token (its `sub`), or undefined when there is no readable token
   * (ticket, cookie): then the user comes from `ready`. A rejection also means "from `ready`".
   */
  firstUser: Promise<string | undefined>;
  /** Opens (and connects) a stream resuming from `cursor`. */
  open(cursor: string | undefined, sink: StreamSink): { close(): void };
  /** Every event once, from this tab's stream or relayed by the group's leader. */
  onEvent(e: SseEvent): void;
  onState(s: StateEvent): void;
  /** The tab's user changed from `from` to `to`: drop everything of `from`. */
  onUser(to: string, from: string): void;
  /** Relay tuning (beat and dead intervals, clock), for tests. */
  relay?: Pick<RelayOptions, 'beatMs' | 'deadMs' | 'cursorTtlMs' | 'now'>;
  window?: Listenable | null;
  document?: Listenable | null;
}

export interface SharedConnection {
  readonly state: ConnectionState;
  /** Whether this tab holds the stream (its own probe, or as the group's leader). */
  readonly leader: boolean;
  /** The user this tab is signed in as, once known. */
  readonly user: string | undefined;
  /** The current user, from a fresh token's `sub`; another user moves this tab to that user's group. */
  identify(user: string): void;
  /** Leaves the group and closes any stream. */
  close(): void;
}

/** Starts resolving the user at once; see {@link SharedConnection}. */
export function createSharedConnection(o: SharedConnectionOptions): SharedConnection {
  let state: ConnectionState = 'offline';
  let user: string | undefined;
  let closed = false;
  // The probe's stream, or the group's relay.
  let current: { close(): void; readonly leader?: boolean } | undefined;
  // The term of `current`: callbacks of a stream or relay that was left are ignored.
  let term: object | undefined;

  function setState(next: ConnectionState, reason?: string): void {
    const ev = stateChange(state, next, reason);
    state = next;
    if (ev) o.onState(ev);
  }

  function leave(): void {
    const old = current;
    current = term = undefined;
    old?.close();
  }

  /** Joins `u`'s group, leaving whatever this tab was part of. */
  function join(u: string, cursor?: string): void {
    leave();
    user = u;
    const me = (term = {});
    const name = shareKey(o.scope, u);
    current = createRelay({
      ...o.relay,
      name,
      user: u,
      cursor,
      channel: o.channel(`herald:${name}`),
      locks: o.locks,
      storage: o.storage,
      open: o.open,
      onEvent: (e) => term === me && o.onEvent(e),
      onState: (s) => term === me && setState(s.newState, s.reason),
      onUser: (other) => term === me && identify(other),
      window: o.window,
      document: o.document,
    });
  }

  function identify(u: string): void {
    if (closed || u === user) return;
    const from = user;
    // Leave first: nothing of the old group may arrive once the owner dropped the old state.
    leave();
    setState('connecting', 'user');
    if (from !== undefined) o.onUser(u, from);
    join(u);
  }

  /** No readable token: learn the user from the `ready` of a stream of this tab's own. */
  function probe(): void {
    if (closed || user !== undefined || current) return;
    const me = (term = {});
    current = o.open(undefined, {
      onEvent(e) {
        if (term !== me) return;
        const who = e.event === 'ready' ? readyUser(e.data) : undefined;
        o.onEvent(e);
        // Known now: move into the group, resuming from this ready's cursor.
        if (who !== undefined) join(who, e.id || undefined);
      },
      onState: (s) => term === me && setState(s.newState, s.reason),
    });
  }

  setState('connecting');
  // A rejected first token also probes: the probe's stream keeps asking for a token itself.
  o.firstUser.then((u) => (u === undefined ? probe() : user === undefined && identify(u)), probe);

  return {
    get state() {
      return state;
    },
    get leader() {
      // A probe is this tab's own stream; before it knows its user, the tab holds nothing.
      return current ? current.leader ?? true : false;
    },
    get user() {
      return user;
    },
    identify,
    close() {
      leave();
      closed = true;
      setState('offline', 'closed');
    },
  };
}

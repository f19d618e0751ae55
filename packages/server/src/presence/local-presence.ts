/** Presence of one process, in memory: the embedded default. */
import { entriesOf, resolveLimits, type Lease, type Presence, type PresenceEntry, type PresenceLimits, type PresenceStats } from './presence.ts';
import { takeLease } from './lease.ts';
import { Tally } from './tally.ts';

export type LocalPresenceOptions = PresenceLimits;

export class LocalPresence implements Presence {
  readonly #limits: Required<PresenceLimits>;
  readonly #users = new Tally();
  readonly #ips = new Tally();
  #closed = false;

  constructor(options: LocalPresenceOptions = {}) {
    this.#limits = resolveLimits(options);
  }

  async open(user: string, ip: string): Promise<Lease | null> {
    if (this.#closed) throw new Error('presence: open after close');
    if (this.#users.get(user) >= this.#limits.maxStreamsPerUser || this.#ips.get(ip) >= this.#limits.maxStreamsPerIp) return null;
    return takeLease({ users: this.#users, ips: this.#ips, closed: () => this.#closed }, user, ip);
  }

  async online(users: readonly string[]): Promise<Record<string, PresenceEntry>> {
    return entriesOf(users, (user) => this.#users.get(user));
  }

  async stats(): Promise<PresenceStats> {
    return { connections: this.#users.total, users: this.#users.size, nodes: 1 };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#users.clear();
    this.#ips.clear();
  }
}

/** Creates in-memory presence for one process. */
export function createLocalPresence(options: LocalPresenceOptions = {}): Presence {
  return new LocalPresence(options);
}

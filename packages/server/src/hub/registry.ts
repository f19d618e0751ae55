/**
 * Which connections of this process want which user and topic, and the bus subscriptions that
 * follow from it: a channel is subscribed while at least one connection needs it.
 */
import type { Bus } from '../bus/bus.ts';
import type { Connection } from './connection.ts';

export class Registry {
  private readonly users = new Map<string, Set<Connection>>();
  private readonly topics = new Map<string, Set<Connection>>();
  private readonly channels = new Map<string, Promise<void>>();
  readonly all = new Set<Connection>();

  constructor(private readonly bus: Bus) {}

  /** Adds the connection and resolves once the bus delivers its channels. */
  async add(conn: Connection): Promise<void> {
    this.all.add(conn);
    const waits = [this.join(this.users, conn.user, 'u:', conn)];
    for (const t of conn.topics) waits.push(this.join(this.topics, t, 't:', conn));
    await Promise.all(waits);
  }

  remove(conn: Connection): void {
    if (!this.all.delete(conn)) return;
    this.leave(this.users, conn.user, 'u:', conn);
    for (const t of conn.topics) this.leave(this.topics, t, 't:', conn);
  }

  ofUser(user: string): Set<Connection> | undefined {
    return this.users.get(user);
  }

  ofTopic(topic: string): Set<Connection> | undefined {
    return this.topics.get(topic);
  }

  userCount(): number {
    return this.users.size;
  }

  private join(map: Map<string, Set<Connection>>, key: string, prefix: string, conn: Connection): Promise<void> {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(conn);
    const channel = prefix + key;
    let ready = this.channels.get(channel);
    if (!ready) {
      ready = this.bus.subscribe(channel);
      // A failed subscribe must be retried by the next connection, not remembered.
      ready.catch(() => this.channels.delete(channel));
      this.channels.set(channel, ready);
    }
    return ready;
  }

  private leave(map: Map<string, Set<Connection>>, key: string, prefix: string, conn: Connection): void {
    const set = map.get(key);
    if (!set) return;
    set.delete(conn);
    if (set.size > 0) return;
    map.delete(key);
    const channel = prefix + key;
    this.channels.delete(channel);
    // Buses report their own unsubscribe failures (onError); a subscription left behind only
    // brings messages that no connection wants, and they are dropped here.
    this.bus.unsubscribe(channel).catch(() => {});
  }
}

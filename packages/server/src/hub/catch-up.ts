/**
 * Replays what a connection missed from the store, page by page, in sequence order.
 */
import type { Store } from '../store/store.ts';
import type { Connection } from './connection.ts';
import { encodeTopicEvent, encodeUserEvent } from './encoded.ts';

const PAGE = 500;

export class StreamCatchUp {
  constructor(private readonly store: Store) {}

  /**
   * Writes every user event after the connection's cursor (and topic events when asked).
   * Returns how many user events were replayed: the hub follows a replay with fresh counts.
   */
  async run(conn: Connection, withTopics: boolean): Promise<{ replayed: number }> {
    let replayed = 0;
    users: for (;;) {
      const page = await this.store.userEventsSince(conn.user, conn.userSeq, PAGE);
      if (conn.closed) return { replayed };
      for (const e of page) {
        if (e.seq !== conn.userSeq + 1) break users; // a hole can only be a trimmed range: stop, never skip
        replayed++;
        conn.writeUser({ ...encodeUserEvent(e), changesCounts: false });
      }
      if (page.length < PAGE) break;
    }
    while (withTopics) {
      const page = await this.store.topicEventsSince(conn.topicSeq, conn.topics, PAGE);
      if (conn.closed) return { replayed };
      for (const e of page) if (e.seq > conn.topicSeq) conn.writeTopic(encodeTopicEvent(e));
      if (page.length < PAGE) break;
    }
    return { replayed };
  }
}

/**
 * DESIGN §2 under combined faults on one SQLite node: four publishers send multi-recipient
 * notifications at once (each retried with its dedupeKey until a 201), two clients per user keep
 * dropping and resuming their streams with Last-Event-ID, and the node is SIGKILLed twice in the
 * middle of the burst. The ledger: each client chain receives its user's inbox, in inbox order,
 * each item exactly once, with every acknowledged id in it and no `reset`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { publisher, signToken, subscriber } from './support/api.ts';
import { cleanup, startHerald, type HeraldProcess } from './support/herald-process.ts';
import { openSse, type SseStream } from './support/sse-reader.ts';
import { sleep, waitFor } from './support/wait.ts';

afterAll(cleanup);

const USERS = ['uma', 'vic', 'wes'];
const PUBLISHERS = 4;
const PER_PUBLISHER = 60;
const KILLS = [60, 150];

/** A logical client: reconnects with its last id, and closes its stream now and then by itself. */
function client(base: string, token: string, until: () => boolean, deadline: number) {
  const connections: SseStream[] = [];
  let cursor: string | undefined;
  const running = (async () => {
    for (let round = 0; until() && Date.now() < deadline && round < 10_000; round++) {
      let s: SseStream;
      try {
        s = await openSse(`${base}/v1/stream`, { token, lastEventId: cursor });
      } catch {
        await sleep(50);
        continue;
      }
      if (s.status !== 200) {
        await sleep(50);
        continue;
      }
      connections.push(s);
      // Drop the stream after a random while, or when the server goes away first.
      await Promise.race([s.ended, sleep(80 + Math.random() * 300)]);
      s.close();
      await s.ended;
      if (s.lastEventId) cursor = s.lastEventId;
    }
  })();
  return {
    connections,
    running,
    received: () => connections.flatMap((s) => s.named<{ id: string }>('notification').map((n) => n.id)),
    resets: () => connections.flatMap((s) => s.named('reset')),
  };
}

describe('SIGKILL during a concurrent publish burst while streams keep resuming', () => {
  it('each client receives its inbox exactly once and in order, every acknowledged notification included', { timeout: 240_000 }, async () => {
    const env = { HERALD_RETRY_MS: '200' };
    let herald: HeraldProcess = await startHerald({ env });
    const base = herald.url;
    const deadline = Date.now() + 200_000;
    const tokens = Object.fromEntries(await Promise.all(USERS.map(async (u) => [u, await signToken(u)] as const)));
    let reading = true;
    const clients = USERS.flatMap((u) => [0, 1].map(() => ({ user: u, c: client(base, tokens[u]!, () => reading, deadline) })));
    await waitFor('every client to be streaming', () => clients.every(({ c }) => c.connections[0]?.named('ready').length === 1));

    const acked = new Map<string, string[]>(USERS.map((u) => [u, []]));
    let ackCount = 0;
    let failures = 0;
    const publishing = Array.from({ length: PUBLISHERS }, (_, p) =>
      (async () => {
        for (let i = 0; i < PER_PUBLISHER; i++) {
          const recipients = USERS.filter((_, k) => (i + p + k) % 3 !== 0 || k === p % 3);
          for (let attempt = 0; ; attempt++) {
            if (Date.now() > deadline || attempt > 2000) throw new Error(`publisher ${p} gave up at ${i}`);
            try {
              const r = await publisher(base).publish({ recipients, title: `p${p}-${i}`, dedupeKey: `p${p}-${i}` });
              if (r.status === 201) {
                for (const n of r.body.notifications as { id: string; recipient: string }[]) acked.get(n.recipient)!.push(n.id);
                ackCount++;
                break;
              }
            } catch {
              // refused or reset while the node is down: retry with the same dedupeKey
            }
            failures++;
            await sleep(30);
          }
          await sleep(Math.random() * 30); // spread the burst over the clients' reconnect cycles
        }
      })(),
    );

    for (const at of KILLS) {
      await waitFor(`${at} publishes acknowledged`, () => ackCount >= at, { timeoutMs: 60_000 });
      expect((await herald.kill()).signal).toBe('SIGKILL');
      herald = await startHerald({ env, port: herald.port, dataDir: herald.dataDir });
    }
    await Promise.all(publishing);

    // The inbox, oldest first, is the order every stream must follow.
    const inboxes = new Map<string, string[]>();
    for (const u of USERS) {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const r = await subscriber(base, tokens[u]!).inbox({ status: 'all', limit: '100', ...(cursor ? { cursor } : {}) });
        expect(r.status).toBe(200);
        ids.push(...(r.body.items as { id: string }[]).map((n) => n.id));
        cursor = r.body.nextCursor;
        if (cursor === null) break;
      }
      expect(cursor).toBeNull();
      inboxes.set(u, ids.reverse());
    }
    for (const { user, c } of clients) {
      const want = inboxes.get(user)!;
      await waitFor(() => `${user}'s client to catch up (${c.received().length}/${want.length})`, () => c.received().length >= want.length, { timeoutMs: 30_000 });
    }
    // A marker per user: a late duplicate would show before it.
    const markers = new Map<string, string>();
    for (const u of USERS) markers.set(u, await publisher(base).publishOne(u, 'marker'));
    for (const { user, c } of clients) await waitFor(`${user}'s marker`, () => c.received().includes(markers.get(user)!), { timeoutMs: 15_000 });
    reading = false;
    await Promise.all(clients.map(({ c }) => c.running));

    console.log(`[chaos] ${ackCount} publishes acknowledged, ${failures} failed attempts, connections per client ${clients.map(({ c }) => c.connections.length).join(',')}`);
    expect(failures).toBeGreaterThan(0);
    for (const { user, c } of clients) {
      const got = c.received();
      expect(c.resets(), `${user} resets`).toEqual([]);
      expect(got, `${user}: exactly once, in inbox order`).toEqual([...inboxes.get(user)!, markers.get(user)!]);
      for (const id of acked.get(user)!) expect(got).toContain(id);
    }
  });
});

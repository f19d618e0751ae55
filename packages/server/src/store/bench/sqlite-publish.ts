/**
 * Measures single-recipient publishes per second into a SQLite file, in process (no HTTP): the
 * DESIGN bar is ≥ 20k persisted notifications/s. Two shapes: `sequential` awaits each publish
 * before the next (one commit each); `concurrent` keeps `inflight` publishes pending, as an HTTP
 * server does under load (group commit shares commits). Prints medians over rounds, by wall
 * clock and by this process's CPU time (the latter is steadier on a shared, loaded box).
 * Usage: node --import tsx packages/server/src/store/bench/sqlite-publish.ts [perRound=20000] [rounds=5] [inflight=64] [full]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../sqlite-store.ts';
import type { Store } from '../store.ts';

const perRound = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const inflight = Number(process.argv[4] ?? 64);
const synchronous = process.argv[5] === 'full' ? 'full' : 'normal';
let n = 0;

const publishOne = (store: Store) =>
  store.publish(
    [{ id: `b${n}`, recipient: `user${n++ % 1000}`, title: 'Build finished', body: 'main is green', severity: 'success', category: 'ci', data: { run: n } }],
    Date.now(),
  );

async function round(store: Store, parallel: number): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let started = 0;
  const worker = async () => {
    while (started < perRound) {
      started++;
      await publishOne(store);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { wall: perRound / wall, cpu: perRound / ((cpu.user + cpu.system) / 1e6) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(8);

console.log(`sqlite synchronous=${synchronous}, ${rounds} rounds × ${perRound} publishes of 1 recipient`);
console.log('shape                 wall/s    cpu/s');
for (const [name, parallel] of [['sequential', 1], [`concurrent ×${inflight}`, inflight]] as const) {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-bench-'));
  const store = createSqliteStore({ path: path.join(dir, 'herald.db'), synchronous });
  try {
    const rs = [];
    for (let r = 0; r < rounds; r++) rs.push(await round(store, parallel));
    console.log(`${name.padEnd(18)} ${fmt(median(rs.map((r) => r.wall)))} ${fmt(median(rs.map((r) => r.cpu)))}`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

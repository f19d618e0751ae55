import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../sqlite-store.ts';
const dir = mkdtempSync(path.join(tmpdir(), 'hb-'));
const store = createSqliteStore({ path: path.join(dir, 'h.db') });
let n = 0;
for (const inflight of [64, 256, 1024]) {
  const N = 40000;
  const c0 = process.cpuUsage(); const t0 = performance.now();
  let started = 0;
  await Promise.all(Array.from({ length: inflight }, async () => { while (started < N) { started++; const i = n++; await store.publish([{ id: `b${i}`, recipient: `user${i % 1000}`, title: 'Build finished', body: 'main is green', severity: 'success', category: 'ci', data: { run: i } }], Date.now()); } }));
  const c = process.cpuUsage(c0);
  console.log(inflight, 'wall/s', Math.round(N / ((performance.now() - t0) / 1000)), 'cpu/s', Math.round(N / ((c.user + c.system) / 1e6)));
}

/**
 * Herald as a bench target: `node packages/server/bin/herald.js serve` pinned to a CPU, with
 * every limit raised out of the way, a temp data dir, an HS256 secret for the load generator's
 * tokens and a publish+admin API key.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort, spawnPinned, waitHttp, treeRss, processTree, stopPid, sleep } from '../lib/proc.mjs';

const GC_PRELOAD = new URL('../lib/gc-preload.mjs', import.meta.url).href;

export const HERALD_BIN = fileURLToPath(new URL('../../packages/server/bin/herald.js', import.meta.url));
export const JWT_SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
export const API_KEY = 'benchkey0123456789';

/** Whether the Herald CLI is in the tree. */
export function hasHerald() {
  return existsSync(HERALD_BIN);
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode, body: b }));
    }).on('error', reject);
  });
}

/** Sums a Prometheus gauge whose name ends with `suffix` (prefixes vary) over all its series. */
function metric(text, suffix) {
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const name = line.split(/[ {]/, 1)[0];
    if (name.endsWith(suffix)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      seen = true;
    }
  }
  return seen ? sum : null;
}

/**
 * Starts Herald. `env` adds or overrides variables (HERALD_WORKERS, DATABASE_URL…);
 * `nodeArgs` go before the script (e.g. `--cpu-prof`). With `gc`, the process can be asked for
 * a full GC (bench/lib/gc-preload.mjs) and `memory()` does so before reading.
 */
export async function startHerald({ cpu = 0, env = {}, nodeArgs = [], gc = false } = {}) {
  if (gc) nodeArgs = ['--expose-gc', '--import', GC_PRELOAD, ...nodeArgs];
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const child = spawnPinned(cpu, process.execPath, [...nodeArgs, HERALD_BIN, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HERALD_PORT: String(port),
      HERALD_HOST: '127.0.0.1',
      HERALD_DATA_DIR: dataDir,
      HERALD_JWT_SECRET: JWT_SECRET,
      HERALD_API_KEYS: `${API_KEY}:publish+admin`,
      HERALD_HEARTBEAT_MS: '30000',
      HERALD_MAX_STREAMS_PER_USER: '100000',
      HERALD_MAX_STREAMS_PER_IP: '1000000',
      HERALD_MAX_NEW_CONNECTIONS_PER_S: '1000000',
      HERALD_PUBLISH_RATE: '1000000',
      HERALD_PUBLISH_BURST: '10000000',
      HERALD_DRAIN_MS: '0',
      HERALD_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 30_000, child);
  const auth = { Authorization: `Bearer ${API_KEY}` };
  return {
    name: 'herald',
    label: 'Herald',
    port,
    pid: child.pid,
    child,
    dataDir,
    pids: () => processTree(child.pid),
    subscribe: { path: '/v1/stream', auth: { secret: JWT_SECRET, prefix: 'u' } },
    publishRequest: (payload) => ({
      method: 'POST',
      path: '/v1/topics/broadcast/events',
      headers: auth,
      body: `{"event":"b","data":${payload}}`,
    }),
    /** A notification publish to `recipients` whose data carries the stamped payload. */
    notifyRequest: (recipients, payload) => ({
      method: 'POST',
      path: '/v1/notifications',
      headers: auth,
      body: `{"recipients":${JSON.stringify(recipients)},"title":"bench","data":${payload}}`,
    }),
    async memory() {
      if (gc) {
        // Two passes: the first may only promote; a settle lets the allocator return pages.
        for (let i = 0; i < 2; i++) {
          process.kill(child.pid, 'SIGUSR2');
          await sleep(400);
        }
      }
      let heap = null;
      try {
        const m = await get(`http://127.0.0.1:${port}/metrics`);
        if (m.status === 200) heap = metric(m.body, 'nodejs_heap_size_used_bytes');
      } catch {
        // no metrics: heap stays unknown
      }
      return { rss: treeRss(child.pid), heap };
    },
    async stop() {
      const tree = processTree(child.pid);
      await stopPid(child, 8000);
      for (const p of tree.slice(1)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

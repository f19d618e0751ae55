/** The plain node:http hub (bench/peers/plain-hub.mjs) as a bench target. */
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { freePort, spawnPinned, waitHttp, treeRss, processTree, stopPid } from '../lib/proc.mjs';

const HUB = fileURLToPath(new URL('../peers/plain-hub.mjs', import.meta.url));

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve(JSON.parse(b)));
    }).on('error', reject);
  });
}

/** Starts the plain hub pinned to `cpu`. */
export async function startPlain({ cpu = 0 } = {}) {
  const port = await freePort();
  const child = spawnPinned(cpu, process.execPath, ['--expose-gc', HUB], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitHttp(`http://127.0.0.1:${port}/memory`, 20_000, child);
  return {
    name: 'plain',
    label: 'plain node:http',
    port,
    pid: child.pid,
    pids: () => processTree(child.pid),
    subscribe: { path: '/sub', auth: null },
    publishRequest: (payload) => ({ method: 'POST', path: '/pub', headers: {}, body: payload }),
    async memory() {
      const m = await getJson(`http://127.0.0.1:${port}/memory`);
      return { rss: treeRss(child.pid), heap: m.heapUsed };
    },
    stop: () => stopPid(child),
  };
}

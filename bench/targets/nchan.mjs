/** nginx + nchan (one worker) as a bench target, run as a child with its own prefix. */
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnPinned, waitHttp, treeRss, processTree, stopPid } from '../lib/proc.mjs';

const TEMPLATE = fileURLToPath(new URL('../peers/nchan.conf', import.meta.url));
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

/** Whether nginx and the nchan module are installed. */
export function hasNchan() {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return existsSync(NCHAN_MODULE);
  } catch {
    return false;
  }
}

/** "nginx/1.22.1, nchan 1.3.6" from the binaries and dpkg. */
export function nchanVersion() {
  let v = execFileSync('sh', ['-c', 'nginx -v 2>&1']).toString().trim().replace('nginx version: ', '');
  try {
    const d = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libnginx-mod-nchan']).toString();
    v += `, nchan ${d}`;
  } catch {
    // not a Debian box
  }
  return v;
}

/** Starts nginx with nchan on a free port, pinned to `cpu`. */
export async function startNchan({ cpu = 0 } = {}) {
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'herald-bench-nchan-'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, readFileSync(TEMPLATE, 'utf8').replaceAll('{{PORT}}', String(port)).replaceAll('{{PREFIX}}', prefix));
  const child = spawnPinned(cpu, 'nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 20_000, child);
  return {
    name: 'nchan',
    label: 'nginx + nchan',
    port,
    pid: child.pid,
    pids: () => processTree(child.pid),
    subscribe: { path: '/sub/b', auth: null },
    publishRequest: (payload) => ({ method: 'POST', path: '/pub/b', headers: { 'Content-Type': 'text/plain' }, body: payload }),
    async memory() {
      // The master holds no connections; count master + worker like the other targets' trees.
      return { rss: treeRss(child.pid), heap: null };
    },
    async stop() {
      await stopPid(child);
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

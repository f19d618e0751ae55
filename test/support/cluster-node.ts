/**
 * One Herald node as a real child process (`herald serve`), on a fixed free port so that a restart
 * comes back at the same address. Stopped by PID; its stderr is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../packages/server/src/bus/contract/private-redis.ts';
import { reap } from './cluster-reaper.ts';
import { until } from './cluster-wait.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HERALD_BIN = join(ROOT, 'packages', 'server', 'bin', 'herald.js');
export const TEST_SECRET = 'chaos-secret-chaos-secret-chaos-secret-0123456789';
export const TEST_API_KEY = 'chaos-api-key-0123456789abcdef';

export interface NodeOptions {
  /** Extra or overriding environment variables; `NODE_ARGS` (space-separated) become node flags. */
  env: Record<string, string>;
  /** Node flags before the script, e.g. `--cpu-prof` when investigating. Default none. */
  nodeArgs?: string[];
  /** Fixed port; default a free one. */
  port?: number;
  /** How long start() waits for /readyz. Default 60 s (tsx start-up on a loaded box). */
  readyTimeoutMs?: number;
}

export interface ProcessFigures {
  fds: number;
  rssKb: number;
}

export class HeraldNode {
  readonly port: number;
  readonly url: string;
  child: ChildProcess | null = null;
  /** Last lines of stderr, for failure messages. */
  readonly log: string[] = [];
  private readonly env: Record<string, string>;
  private readonly readyTimeoutMs: number;
  private readonly nodeArgs: string[];

  private constructor(port: number, o: NodeOptions) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.env = o.env;
    this.readyTimeoutMs = o.readyTimeoutMs ?? 60_000;
    this.nodeArgs = o.nodeArgs ?? [];
  }

  static async create(o: NodeOptions): Promise<HeraldNode> {
    return new HeraldNode(o.port ?? (await freePort()), o);
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error(`node ${this.port} is not running`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns `herald serve` and waits until /readyz answers 200, or with `waitFor: 'live'` only until
   * /healthz does (a node started while Redis is down listens, but is not ready).
   */
  async start(o: { waitFor?: 'ready' | 'live' } = {}): Promise<void> {
    const { NODE_ARGS, ...env } = this.env;
    const args = [...this.nodeArgs, ...(NODE_ARGS ? NODE_ARGS.split(' ') : [])];
    const c = reap(spawn(process.execPath, [...args, HERALD_BIN, 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HERALD_PORT: String(this.port),
        HERALD_HOST: '127.0.0.1',
        HERALD_JWT_SECRET: TEST_SECRET,
        HERALD_API_KEYS: `${TEST_API_KEY}:publish+admin`,
        HERALD_LOG_LEVEL: 'warn',
        HERALD_DEMO: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    // stdout carries the start-up banner ("Herald listening … (N workers)"), stderr the logs.
    for (const out of [c.stdout!, c.stderr!]) {
      out.on('data', (d: Buffer) => {
        this.log.push(d.toString());
        if (this.log.length > 40) this.log.shift();
      });
    }
    this.child = c;
    await until(`herald on :${this.port} to be ready`, async () => {
      if (c.exitCode !== null) throw new Error(`herald on :${this.port} exited (${c.exitCode}): ${this.log.join('')}`);
      return (await (o.waitFor === 'live' ? this.live() : this.ready())) === 200;
    }, this.readyTimeoutMs, 100);
  }

  /** Status of /healthz (0 when it does not answer). */
  async live(): Promise<number> {
    return this.status('/healthz');
  }

  /** Status of /readyz (0 when it does not answer). */
  async ready(): Promise<number> {
    return this.status('/readyz');
  }

  private async status(path: string): Promise<number> {
    try {
      const r = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      return 0;
    }
  }

  /** Sends a signal and waits for the exit; returns the exit code (null when killed by a signal). */
  async signal(sig: NodeJS.Signals, timeoutMs = 30_000): Promise<number | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return c?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    c.kill(sig);
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL, for afterAll: never throws. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL').catch(() => {}); // afterAll goes on: the process is gone or going
  }

  /** Open file descriptors and RSS of the process, from /proc. */
  figures(): ProcessFigures {
    return processFigures(this.pid);
  }

  /** V8 heap in use, from /metrics. */
  async heapUsed(): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const m = /^herald_nodejs_heap_size_used_bytes\s+([0-9.e+]+)/m.exec(text);
    if (!m) throw new Error('no herald_nodejs_heap_size_used_bytes in /metrics');
    return Number(m[1]);
  }

  /** `GET /v1/stats` with the admin key. */
  async stats(): Promise<{ connections: number; users: number; nodes: number; process: { connections: number; slowConsumersTotal: number } }> {
    const r = await fetch(`${this.url}/v1/stats`, { headers: { authorization: `Bearer ${TEST_API_KEY}` }, signal: AbortSignal.timeout(5000) });
    if (r.status !== 200) throw new Error(`stats: ${r.status} ${await r.text()}`);
    return (await r.json()) as never;
  }
}

export function processFigures(pid: number): ProcessFigures {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { fds, rssKb: rss ? Number(rss[1]) : 0 };
}

/** Starts several nodes at once (start-up is slow; in parallel it overlaps). */
export async function startNodes(count: number, env: Record<string, string>): Promise<HeraldNode[]> {
  const nodes = await Promise.all(Array.from({ length: count }, () => HeraldNode.create({ env })));
  const started = await Promise.allSettled(nodes.map((n) => n.start()));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    // The caller never gets the list, so nothing else could stop the nodes that did start.
    await Promise.all(nodes.map((n) => n.kill()));
    throw failed.reason;
  }
  return nodes;
}

export interface NodeFigures {
  fds: number;
  rssMb: number;
  heapMb: number;
}

/** fds, RSS and V8 heap of every node, for before/peak/after comparisons. */
export async function nodeFigures(nodes: HeraldNode[]): Promise<NodeFigures[]> {
  return Promise.all(
    nodes.map(async (n) => {
      const f = n.figures();
      return { fds: f.fds, rssMb: Math.round(f.rssKb / 102.4) / 10, heapMb: Math.round((await n.heapUsed()) / 104857.6) / 10 };
    }),
  );
}

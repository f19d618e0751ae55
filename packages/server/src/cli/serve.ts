/**
 * `herald serve`: loads the configuration, fills dev secrets when allowed, then runs one process
 * or a cluster of workers sharing the port, and shuts down gracefully on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import pino from 'pino';
import { signDevToken } from '../auth/index.ts';
import { ConfigError, loadConfig, loadOrCreateDevSecrets, needsDevSecrets, withDevSecrets, type Config } from '../config/index.ts';
import { StoreOpenError } from '../store/errors.ts';
import { createStore } from '../store/index.ts';
import { EXIT_REFUSED, EXIT_TEMPORARY, listenRefusal, type Refusal } from './listen-refusal.ts';
import { startRuntime, type Runtime } from './runtime.ts';

/**
 * Exit code of a process that refused to start on an unusable store (EX_CONFIG of sysexits.h):
 * the primary of a worker cluster sees it and stops, instead of restarting the worker forever.
 */

export async function serve(flags: Record<string, unknown>): Promise<void> {
  let config: Config;
  let generated: { file: string; created: boolean } | undefined;
  try {
    config = loadConfig(process.env, flags);
    if (needsDevSecrets(config)) {
      const dev = loadOrCreateDevSecrets(config.dataDir);
      config = withDevSecrets(config, dev.secrets);
      generated = { file: dev.file, created: dev.created };
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) {
      process.stderr.write(`herald: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.workers > 1 && !config.redisUrl) {
    process.stderr.write('herald: HERALD_WORKERS > 1 needs REDIS_URL: workers share events over Redis.\n');
    process.exit(2);
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, generated);
  await runWorker(config, generated, cluster.isPrimary);
}

async function runWorker(config: Config, generated: { file: string; created: boolean } | undefined, announce: boolean): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  let runtime: Runtime;
  try {
    runtime = await startRuntime(config, logger);
  } catch (err) {
    const refusal = refusalOf(err, config);
    if (!refusal) throw err;
    const line = `${refusal.line}\n`;
    const code = refusal.code;
    // A worker hands the line to the primary, which prints it once for all workers.
    if (cluster.isWorker && process.send) process.send({ type: 'herald:refused', line }, () => process.exit(code));
    else {
      process.stderr.write(line);
      process.exit(code);
    }
    return;
  }
  if (announce) await printBanner(config, runtime.url, generated);
  else process.send?.({ type: 'herald:listening', url: runtime.url });
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, 'draining');
    runtime
      .shutdown()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err: String(err) }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** An unusable database or address is the operator's to fix: what and how in one line, no stack trace. */
function refusalOf(err: unknown, config: Config): Refusal | null {
  return err instanceof StoreOpenError
    ? { line: `herald: ${err.message.replace(/\s*\n\s*/g, ' ')}`, code: err.temporary ? EXIT_TEMPORARY : EXIT_REFUSED }
    : listenRefusal(err, config.host, config.port);
}

/**
 * Opens the SQLite store once before any worker does, so one process creates and migrates the
 * file: workers started together would otherwise find each other's file half-made (0 bytes, no
 * tables) and refuse it. A refusal is said once, here.
 */
async function prepareSqlite(config: Config): Promise<void> {
  if (config.databaseUrl) return;
  try {
    const store = await createStore({ dataDir: config.dataDir });
    await store.close();
  } catch (err) {
    const refusal = refusalOf(err, config);
    if (!refusal) throw err;
    process.stderr.write(`${refusal.line}\n`);
    process.exit(refusal.code);
  }
}

/** The primary only supervises: it forks workers, restarts crashed ones, and forwards SIGTERM. */
async function runPrimary(config: Config, generated: { file: string; created: boolean } | undefined): Promise<void> {
  await prepareSqlite(config);
  let stopping = false;
  // The banner says Herald is listening only once every worker is: before that, the primary
  // hands every connection to the workers that are up, and the load would not spread.
  let listening = 0;
  let refusedLine: string | undefined;
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m: { type?: string; url?: string; line?: string }) => {
      if (m?.type === 'herald:refused' && !refusedLine) process.stderr.write((refusedLine = m.line ?? 'herald: the store cannot be opened\n'));
      if (m?.type !== 'herald:listening' || ++listening !== config.workers) return;
      // The primary has no logger: a banner that cannot be printed (signing the dev token failed) says so on stderr.
      printBanner(config, m.url!, generated, config.workers).catch((err: unknown) => process.stderr.write(`herald: cannot print the banner: ${String(err)}\n`));
    });
  };
  // Allowed (the operator may mean it) but usually a number copied from a bigger machine.
  const cores = availableParallelism();
  if (config.workers > cores) {
    process.stderr.write(`herald: HERALD_WORKERS=${config.workers} is more than the ${cores} CPU cores here: each worker costs its own memory, and workers beyond the cores only help to hold more streams, not to serve faster.\n`);
  }
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if ((code === EXIT_REFUSED || code === EXIT_TEMPORARY) && !stopping) {
      // Every worker would refuse the same store: stop them all and exit with its code (a
      // temporary refusal is retried by the service manager, not by a worker restart loop here).
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = code;
    }
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    process.stderr.write(`herald: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    setTimeout(fork, 500);
  });
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** What a newcomer needs to try Herald at once. Secrets are printed only when generated for dev. */
async function printBanner(config: Config, url: string, generated: { file: string; created: boolean } | undefined, workers = 1): Promise<void> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`Herald listening on ${url}${workers > 1 ? ` (${workers} workers)` : ''} — ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}, ${config.redisUrl ? 'Redis bus' : 'in-process bus'}, ${config.mode} mode`);
  if (!generated || !config.jwt?.secret) return;
  const key = config.apiKeys[0]!.key;
  const token = await signDevToken({ secret: config.jwt.secret, sub: 'alice', topics: ['**'], ttlS: 86_400, audience: config.jwtClaims.audience, issuer: config.jwtClaims.issuer });
  out();
  out(`Development secrets ${generated.created ? 'generated in' : 'loaded from'} ${generated.file} (never used in production):`);
  out(`  API key (publish+admin): ${key}`);
  out(`  Token for user "alice" (24 h): ${token}`);
  out();
  out('Try it, in two terminals:');
  out(`  curl -N -H "Authorization: Bearer ${token}" ${url}/v1/stream`);
  out(`  curl -X POST ${url}/v1/notifications -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"recipients":["alice"],"title":"Hello from Herald"}'`);
  if (config.demo) out(`Demo page: ${url}/   Dashboard: ${url}/admin`);
  out();
}

/**
 * Process plumbing for the bench: free ports, CPU-pinned spawns, readiness polls, RSS of a
 * process tree from /proc, and stopping by PID (never by name).
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether `taskset` can pin here (the box has ≥ 2 CPUs and the binary exists). */
export function canPin() {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return (Number(execFileSync('nproc').toString().trim()) || 1) >= 2;
  } catch {
    return false;
  }
}

/** Pins the calling process (all its threads) to `cpu`; children inherit it. */
export function pinSelf(cpu) {
  if (canPin()) execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/** Spawns `cmd args` on `cpu` (via taskset, which execs, so the PID is the command's own). */
export function spawnPinned(cpu, cmd, args, options = {}) {
  const pinned = cpu !== null && canPin();
  const child = pinned
    ? spawn('taskset', ['-c', String(cpu), cmd, ...args], options)
    : spawn(cmd, args, options);
  child.logs = '';
  const keep = (d) => {
    child.logs = (child.logs + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

/** GETs `url` until it answers < 500 or the deadline passes. */
export async function waitHttp(url, timeoutMs = 20_000, child = null) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode}): ${child.logs}`);
    try {
      const status = await new Promise((resolve, reject) => {
        const req = http.get(url, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.setTimeout(1000, () => req.destroy(new Error('timeout')));
      });
      if (status < 500) return;
      last = `status ${status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last}) ${child?.logs ?? ''}`);
}

/** The PID and all its descendants, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const tasks = execFileSync('ls', [`/proc/${out[i]}/task`]).toString().split(/\s+/).filter(Boolean);
      for (const t of tasks) {
        const kids = readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean);
        out.push(...kids.map(Number));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Resident set size in bytes of one process (VmRSS), 0 if gone. */
export function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS over a process and its descendants. */
export function treeRss(pid) {
  return processTree(pid).reduce((sum, p) => sum + rssOf(p), 0);
}

/** SIGTERM by PID, then SIGKILL after `graceMs` if it is still there. */
export async function stopPid(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

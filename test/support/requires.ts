/**
 * Tests that need a binary or a service call `missing()`. Locally a missing part skips the test
 * with the reason printed; under HERALD_TEST_STRICT=1 (CI) a missing part fails instead, so
 * nothing can silently skip in CI.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import net from 'node:net';

export const STRICT = process.env.HERALD_TEST_STRICT === '1';

/**
 * Whether an executable is on PATH (or is an absolute path that exists). Scans PATH itself rather
 * than spawning a shell, so a busy machine (fork failing with EAGAIN) cannot make it say no.
 */
export function hasBinary(name: string): boolean {
  if (name.startsWith('/')) return existsSync(name);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, name)));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on host:port within 1 s. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Returns null when everything needed is there, else the reason. In strict mode a missing part
 * throws, which fails the suite. Use as `describe.skipIf(reason)` after `const reason = ...`.
 */
export function missing(what: Record<string, boolean>): string | null {
  const absent = Object.entries(what)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  if (absent.length === 0) return null;
  const reason = `needs ${absent.join(', ')}`;
  if (STRICT) throw new Error(`HERALD_TEST_STRICT=1 and this suite ${reason}`);
  console.warn(`skipping: ${reason}`);
  return reason;
}

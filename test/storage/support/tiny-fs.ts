/**
 * A tiny file system for storage-fault tests: a tmpfs of a few MB that a test can fill, free and
 * remount read-only. Mounting needs root with CAP_SYS_ADMIN; `mountTinyFs` returns the reason
 * when the machine does not allow it, and the caller falls back to fault injection.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyFs {
  /** The mount point. */
  readonly dir: string;
  /** Writes a filler file until the file system is full (ENOSPC). */
  fill(): void;
  /** Removes the filler file. */
  free(): void;
  /** Remounts read-only; fails while any file on it is open for writing. */
  readOnly(): void;
  /** Unmounts and removes the mount point (lazily if something still holds it). */
  unmount(): void;
}

const run = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });

/** Mounts a tmpfs of `sizeMb` MB, or returns why it cannot. */
export function mountTinyFs(sizeMb: number): TinyFs | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-tinyfs-'));
  try {
    run(['mount', '-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'herald-test', dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    return { reason: `cannot mount a tmpfs here (${why.split('\n')[0]})` };
  }
  const filler = join(dir, 'filler');
  let mounted = true;
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x61);
      try {
        // Bounded: a tmpfs of sizeMb MB takes at most sizeMb * 256 chunks of 4 KB.
        for (let i = 0; i < sizeMb * 256 + 16; i++) writeSync(fd, chunk);
        throw new Error('the tmpfs never filled up');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      unlinkSync(filler);
    },
    readOnly() {
      run(['mount', '-o', 'remount,ro', dir]);
    },
    unmount() {
      if (mounted) {
        try {
          run(['umount', dir]);
        } catch {
          run(['umount', '-l', dir]);
        }
        mounted = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether this process bypasses file permissions (root): then chmod 0444 does not stop writes. */
export const BYPASSES_PERMISSIONS = process.getuid?.() === 0;

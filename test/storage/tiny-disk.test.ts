/**
 * A full disk, for real: the CLI runs with its data dir on a 2 MB tmpfs, the test fills the file
 * system, and Herald must refuse writes with 503 + Retry-After, fail `/readyz`, and recover by
 * itself once space is freed, with every inbox holding exactly what was acknowledged. Where the
 * machine does not allow mounting, the same scenario runs in process against a store capped by
 * SQLite's `max_page_count` (real SQLITE_FULL from the same code path), and says so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, startHerald, type HeraldProcess } from '../e2e/support/herald-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { ledger, readyz } from './support/ledger.ts';
import { startSqliteApp } from './support/sqlite-app.ts';
import { mountTinyFs, type TinyFs } from './support/tiny-fs.ts';

const mounted = mountTinyFs(2);
let herald: HeraldProcess | undefined;
afterAll(async () => {
  await herald?.stop();
  await cleanup();
  if (!('reason' in mounted)) mounted.unmount();
});

interface Disk {
  base(): string;
  fill(): void;
  free(): void;
  restart(): Promise<void>;
}

async function fullDiskScenario(disk: Disk) {
  const book = ledger(disk.base);
  for (let i = 0; i < 5; i++) expect((await book.publish()).status).toBe(201);
  disk.fill();
  // Bounded: a full file system refuses a growing write within a few publishes.
  for (let i = 0; i < 200 && book.attempts.at(-1)!.status === 201; i++) await book.publish();
  for (let i = 0; i < 5; i++) await book.publish();
  expect(book.attempts.at(-1)).toMatchObject({ status: 503, code: 'unavailable' });
  book.expectOnlyCleanRefusals();

  const down = await waitFor('/readyz to fail while the disk is full', async () => {
    const r = await readyz(disk.base());
    return r.status === 503 && r;
  });
  expect(down.body).toMatchObject({ ok: false, checks: { store: false }, reasons: { store: 'disk_full' } });
  await book.expectInboxesExact();

  disk.free();
  await waitFor('/readyz to recover once space is freed', async () => (await readyz(disk.base())).status === 200, { timeoutMs: 10_000 });
  expect((await book.publish()).status).toBe(201);
  await book.expectInboxesExact();

  await disk.restart();
  await book.expectInboxesExact();
}

describe('a full disk', () => {
  it('answers writes 503 with Retry-After, fails /readyz, recovers by itself, and keeps exactly what it acknowledged', async () => {
    if (!('reason' in mounted)) {
      const fs: TinyFs = mounted;
      herald = await startHerald({ dataDir: fs.dir });
      await fullDiskScenario({
        base: () => herald!.url,
        fill: () => fs.fill(),
        free: () => fs.free(),
        async restart() {
          await herald!.stop();
          herald = await startHerald({ dataDir: fs.dir, port: herald!.port });
        },
      });
      expect(herald.output()).not.toMatch(/"level":50.*internal/);
      return;
    }
    console.warn(`full disk: ${mounted.reason}; running the scenario with SQLite max_page_count instead`);
    const app = await startSqliteApp();
    try {
      await fullDiskScenario({
        base: () => app.url,
        fill: () => app.db().pragma(`max_page_count = ${app.db().pragma('page_count', { simple: true }) as number}`),
        free: () => app.db().pragma('max_page_count = 1073741823'),
        restart: () => app.restart(),
      });
    } finally {
      await app.close();
    }
  }, 180_000);
});

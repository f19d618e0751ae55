/**
 * The data dir deleted under a running `herald serve` (the real CLI): publishes stop getting 201
 * into a file nobody will open again. They answer 503 + Retry-After, `/readyz` says
 * `file_moved`, the log says so in one line, and the metric counts it.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, startHerald } from '../e2e/support/herald-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { ledger, readyz } from './support/ledger.ts';

afterAll(cleanup);

describe('the database file lost while running', () => {
  it('a deleted data dir stops acknowledging writes, fails /readyz with file_moved, logs one line and counts it', async () => {
    const h = await startHerald();
    const book = ledger(() => h.url);
    for (let i = 0; i < 3; i++) expect((await book.publish()).status).toBe(201);
    rmSync(h.dataDir, { recursive: true, force: true });
    for (let i = 0; i < 5; i++) expect(await book.publish()).toMatchObject({ status: 503, code: 'unavailable', retryAfter: '1' });
    const ready = await readyz(h.url);
    expect(ready).toMatchObject({ status: 503, body: { ok: false, reasons: { store: 'file_moved' } } });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^herald_store_writable 0$/m);
    expect(metrics).toMatch(/^herald_store_faults_total\{fault="file_moved"\} [1-9]/m);
    await waitFor('the log line', () => /removed or replaced/.test(h.output()));
    expect(h.output().match(/store cannot write/g)).toHaveLength(1);
    expect(h.output()).toMatch(/herald\.db: the database file was removed or replaced while open/);
    expect(h.output()).not.toMatch(/"level":50[^\n]*request failed/);
    await h.stop();
  }, 120_000);
});

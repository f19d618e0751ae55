/**
 * CI smoke run of the bench harness: 500 streams against the plain hub and against Herald for a
 * few seconds of paced broadcasts. It fails when the harness breaks (no deliveries, parse errors,
 * missing latency samples, streams that never open). It never asserts performance numbers.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missing } from '../test/support/requires.ts';

const SMOKE = fileURLToPath(new URL('./smoke.mjs', import.meta.url));
const HERALD = fileURLToPath(new URL('../packages/server/bin/herald.js', import.meta.url));

interface SmokeResult {
  n: number;
  live: number;
  deliveries: number;
  published: number;
  publishErrors: number;
  parseErrors: number;
  samples: number;
  p50: number;
  p99: number;
}

/** Generous bounds: CI runs this on a loaded 2-core box beside other test files (Herald starts through tsx). */
function runSmoke(target: string): Promise<SmokeResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SMOKE, '--target', target, '--n', '500', '--seconds', '3'], { timeout: 150_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as SmokeResult);
      } catch {
        reject(new Error(`no JSON result from smoke.mjs: ${stdout}\n${stderr}`));
      }
    });
  });
}

function expectHealthy(r: SmokeResult): void {
  expect(r.live).toBe(500);
  expect(r.published).toBeGreaterThan(0);
  expect(r.publishErrors).toBe(0);
  expect(r.parseErrors).toBe(0);
  expect(r.deliveries).toBeGreaterThan(0);
  // Every timestamped delivery yields one latency sample, and percentiles are finite.
  expect(r.samples).toBe(r.deliveries);
  expect(Number.isFinite(r.p50) && Number.isFinite(r.p99)).toBe(true);
}

describe('bench harness smoke', () => {
  it('drives the plain node:http hub', async () => {
    expectHealthy(await runSmoke('plain'));
  }, 180_000);

  const reason = missing({ 'packages/server/bin/herald.js': existsSync(HERALD) });
  it.skipIf(reason !== null)('drives Herald', async () => {
    expectHealthy(await runSmoke('herald'));
  }, 180_000);
});

/**
 * Production mode refuses development shortcuts (issue 6): generated secrets, wildcard CORS and
 * the demo page. Each refusal is a real `herald serve` that must exit non-zero with a message
 * naming the setting; a correctly configured production server is the control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/http.ts';
import { API_KEY, runToExit, SECRET, startServer, type ServerHandle } from './support/server.ts';

type Exit = { code: number | null; output: string };
const PROD = { HERALD_ENV: 'production' };
const KEYS = { HERALD_JWT_SECRET: SECRET, HERALD_API_KEYS: `${API_KEY}:publish` };
let noSecrets: Exit;
let wildcard: Exit;
let demo: Exit;
let nodeEnv: Exit;
let good: ServerHandle;

beforeAll(async () => {
  // Started together: each takes a few seconds to load.
  [noSecrets, wildcard, demo, nodeEnv, good] = await Promise.all([
    runToExit({ ...PROD }),
    runToExit({ ...PROD, ...KEYS, HERALD_CORS_ORIGINS: '*' }),
    runToExit({ ...PROD, ...KEYS, HERALD_DEMO: 'true' }),
    runToExit({ NODE_ENV: 'production' }),
    startServer({ ...PROD, ...KEYS, HERALD_CORS_ORIGINS: 'https://app.example' }),
  ]);
}, 200_000);
afterAll(async () => {
  await good?.stop();
});

function expectRefused(r: Exit, pattern: RegExp) {
  expect(r.code).not.toBeNull();
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(pattern);
  expect(r.output).not.toMatch(/listening/i);
}

describe('production mode', () => {
  it('refuses to start without secrets instead of generating them', () => {
    expectRefused(noSecrets, /HERALD_ENV=production needs a JWT key/);
    expect(noSecrets.output).toMatch(/needs HERALD_API_KEYS/);
    expect(noSecrets.output).not.toMatch(/Development secrets/);
  });

  it('NODE_ENV=production counts as production', () => {
    expectRefused(nodeEnv, /production \(from NODE_ENV\) needs a JWT key/);
  });

  it('refuses HERALD_CORS_ORIGINS=*', () => {
    expectRefused(wildcard, /refuses HERALD_CORS_ORIGINS=\*/);
  });

  it('refuses HERALD_DEMO=true', () => {
    expectRefused(demo, /refuses HERALD_DEMO=true/);
  });

  it('a correct production configuration starts, without the demo page or printed secrets', async () => {
    expect(good.logs()).toMatch(/production mode/);
    expect(good.logs()).not.toContain(SECRET);
    expect(good.logs()).not.toContain(API_KEY);
    expect((await call(good.url, '/')).status).toBe(404);
    expect((await call(good.url, '/demo/token?user=alice')).status).toBe(404);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKeyAuthenticator } from '../auth/api-keys.ts';
import { createJwtVerifier } from '../auth/jwt.ts';
import { signDevToken } from '../auth/dev-token.ts';
import { loadConfig, needsDevSecrets } from './config.ts';
import { loadOrCreateDevSecrets, withDevSecrets } from './dev-secrets.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'herald-dev-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dev secrets', () => {
  it('are created once, mode 0600, and reused on later starts', () => {
    const dir = join(tempDir(), 'nested', '.herald');
    const first = loadOrCreateDevSecrets(dir);
    expect(first.created).toBe(true);
    expect(first.secrets.apiKey).toMatch(/^hk_dev_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.byteLength(first.secrets.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateDevSecrets(dir);
    expect(second.created).toBe(false);
    expect(second.secrets).toEqual(first.secrets);
    expect(readdirSync(dir)).toEqual(['dev-secrets.json']); // no temp file left behind
  });

  it('are the same for workers that start at once (one creates, the others reuse)', async () => {
    const dir = join(tempDir(), 'race');
    const module = fileURLToPath(new URL('./dev-secrets.ts', import.meta.url));
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify(m.loadOrCreateDevSecrets(process.argv[1]))))`;
    const run = () =>
      new Promise<{ secrets: unknown; created: boolean }>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', '-e', script, dir], { timeout: 30_000 }, (err, stdout) =>
          err ? reject(err) : resolve(JSON.parse(stdout)),
        );
      });
    const results = await Promise.all(Array.from({ length: 5 }, run));
    expect(results.filter((r) => r.created).length).toBe(1);
    for (const r of results) expect(r.secrets).toEqual(results[0].secrets);
    expect(readdirSync(dir)).toEqual(['dev-secrets.json']);
  });

  it('differ between data dirs', () => {
    expect(loadOrCreateDevSecrets(tempDir()).secrets.jwtSecret).not.toBe(loadOrCreateDevSecrets(tempDir()).secrets.jwtSecret);
  });

  it('refuses a corrupt file with a message naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dev-secrets.json'), '{oops');
    expect(() => loadOrCreateDevSecrets(dir)).toThrow(/dev-secrets\.json is not valid JSON; delete it/);
    writeFileSync(join(dir, 'dev-secrets.json'), '{"jwtSecret":"x"}');
    expect(() => loadOrCreateDevSecrets(dir)).toThrow(/lacks jwtSecret or apiKey/);
  });

  it('fill only what is missing and make a working setup', async () => {
    const { secrets } = loadOrCreateDevSecrets(tempDir());
    const base = loadConfig({ HERALD_JWT_AUDIENCE: 'herald' });
    expect(needsDevSecrets(base)).toBe(true);
    const c = withDevSecrets(base, secrets);
    expect(needsDevSecrets(c)).toBe(false);
    expect(c.jwt).toEqual({ alg: 'HS256', secret: secrets.jwtSecret, audience: 'herald', clockToleranceS: 5 });
    expect(createApiKeyAuthenticator(c.apiKeys).verify(secrets.apiKey).scopes).toEqual(new Set(['publish', 'admin']));
    const token = await signDevToken({ secret: secrets.jwtSecret, sub: 'alice', audience: 'herald' });
    expect((await createJwtVerifier(c.jwt!).verify(token)).user).toBe('alice');

    const own = loadConfig({ HERALD_API_KEYS: 'hk_mine_0123456789ab:publish' });
    const filled = withDevSecrets(own, secrets);
    expect(filled.apiKeys).toEqual([{ key: 'hk_mine_0123456789ab', scopes: ['publish'] }]);
    expect(filled.jwt?.secret).toBe(secrets.jwtSecret);
  });

  it('are refused in production', () => {
    const prod = loadConfig({ HERALD_ENV: 'production', HERALD_JWT_SECRET: 'y'.repeat(32), HERALD_API_KEYS: 'hk_live_0123456789ab:publish' });
    expect(needsDevSecrets(prod)).toBe(false);
    expect(() => withDevSecrets(prod, { jwtSecret: 'z'.repeat(43), apiKey: 'hk_dev_x' })).toThrow(/refused in production/);
  });
});

/**
 * Development secrets: with no JWT key or API key configured, and not in production, Herald
 * generates them once into `<dataDir>/dev-secrets.json` (mode 0600) and reuses them on later
 * starts, so tokens and curl lines printed yesterday still work today.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { generateApiKey } from '../auth/api-keys.ts';
import { devSecretsFile, type Config } from './config.ts';

export interface DevSecrets {
  /** HS256 secret, 32 random bytes in base64url. */
  jwtSecret: string;
  /** `hk_dev_…`, scopes publish and admin. */
  apiKey: string;
}

/**
 * Reads the dev secrets of `dataDir`, creating them on first use. Safe when several workers start
 * at once: the file is written aside and linked into place, so exactly one version wins and no
 * reader ever sees a partial file.
 */
export function loadOrCreateDevSecrets(dataDir: string): { secrets: DevSecrets; created: boolean; file: string } {
  const file = devSecretsFile(dataDir);
  const existing = readSecrets(file);
  if (existing !== null) return { secrets: existing, created: false, file };

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: DevSecrets = { jwtSecret: randomBytes(32).toString('base64url'), apiKey: generateApiKey('hk_dev_') };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  let created = true;
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false; // another process won the race; use its secrets
  } finally {
    unlinkSync(tmp);
  }
  const saved = readSecrets(file);
  if (saved === null) throw new Error(`${file} vanished while starting`);
  return { secrets: saved, created, file };
}

function readSecrets(file: string): DevSecrets | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; delete it to generate new development secrets`);
  }
  const d = data as Partial<DevSecrets>;
  if (typeof d.jwtSecret !== 'string' || d.jwtSecret.length < 32 || typeof d.apiKey !== 'string' || d.apiKey.length < 16) {
    throw new Error(`${file} lacks jwtSecret or apiKey; delete it to generate new development secrets`);
  }
  return { jwtSecret: d.jwtSecret, apiKey: d.apiKey };
}

/**
 * The configuration with the dev secrets filling what is missing: an HS256 secret when no JWT
 * key is set, a publish+admin key when no API key is. Configured values are kept. Pure.
 */
export function withDevSecrets(config: Config, secrets: DevSecrets): Config {
  if (config.production) throw new Error('development secrets are refused in production');
  const jwt = config.jwt ?? Object.freeze({ alg: 'HS256' as const, secret: secrets.jwtSecret, ...config.jwtClaims });
  const apiKeys = config.apiKeys.length > 0 ? config.apiKeys : Object.freeze([{ key: secrets.apiKey, scopes: ['publish' as const, 'admin' as const] }]);
  return Object.freeze({ ...config, jwt, apiKeys });
}

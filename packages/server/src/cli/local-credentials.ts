/**
 * Credentials for the CLI's client commands: the configured ones from the environment, else the
 * development secrets a dev-mode server generated in the data dir.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseApiKeys } from '../auth/index.ts';
import { devSecretsFile } from '../config/index.ts';

export function localApiKey(dataDir: string): string {
  const configured = process.env.HERALD_API_KEYS;
  if (configured) return parseApiKeys(configured)[0]!.key;
  return devSecrets(dataDir).apiKey;
}

export function localJwtSecret(dataDir: string): string {
  return process.env.HERALD_JWT_SECRET || devSecrets(dataDir).jwtSecret;
}

function devSecrets(dataDir: string): { apiKey: string; jwtSecret: string } {
  const file = devSecretsFile(dataDir);
  if (!existsSync(file)) {
    throw new Error(`No credentials: set HERALD_API_KEYS / HERALD_JWT_SECRET, or start a dev server first (it writes ${file}).`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

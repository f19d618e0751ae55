/** `herald keys create`: a new random API key, printed once. */
import { generateApiKey } from '../auth/index.ts';

export function keysCreate(o: { scopes: string }): void {
  const scopes = o.scopes.split(/[+,]/).filter(Boolean);
  const bad = scopes.filter((s) => s !== 'publish' && s !== 'admin');
  if (scopes.length === 0 || bad.length > 0) {
    process.stderr.write('herald keys create: scopes are publish, admin or publish+admin\n');
    process.exitCode = 2;
    return;
  }
  const key = generateApiKey('hk_');
  process.stdout.write(`${key}\n`);
  process.stderr.write(`Add to HERALD_API_KEYS: ${key}:${scopes.join('+')}\n`);
}

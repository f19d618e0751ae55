/**
 * Renders deploy/nginx.conf.template: `${NAME}` placeholders from a map. Used by the nginx test
 * and to regenerate the example: `npx tsx deploy/render-nginx.ts > deploy/nginx.conf`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'nginx.conf.template');

export interface NginxValues {
  /** `host:port` of every Herald node. */
  upstreams: string[];
  /** What nginx listens on, e.g. `80` or `127.0.0.1:8080`. */
  listen: string;
  /** Directory for the pid file, error log and temp paths. */
  prefix: string;
}

/** The template with every placeholder filled; throws if one is left. */
export function renderNginx(v: NginxValues, template = readFileSync(TEMPLATE, 'utf8')): string {
  const values: Record<string, string> = {
    HERALD_UPSTREAMS: v.upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=2s;`).join('\n    '),
    LISTEN: v.listen,
    PREFIX: v.prefix,
  };
  const out = template.replace(/\$\{([A-Z_]+)\}/g, (m, name: string) => values[name] ?? m);
  const left = /\$\{[A-Z_]+\}/.exec(out);
  if (left) throw new Error(`nginx template: no value for ${left[0]}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(
    '# Generated from nginx.conf.template by `npx tsx deploy/render-nginx.ts`: edit the template.\n' +
      renderNginx({ upstreams: ['10.0.0.11:8080', '10.0.0.12:8080'], listen: '80', prefix: '/var/lib/nginx/herald' }),
  );
}

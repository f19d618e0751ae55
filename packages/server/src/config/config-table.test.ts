import { describe, expect, it } from 'vitest';
import { renderConfigTable } from './config-table.ts';
import { SETTINGS, SETTING_KEYS } from './settings.ts';

describe('renderConfigTable', () => {
  const table = renderConfigTable();
  const rows = table.trim().split('\n');

  it('has a header and one row per setting, each naming its variable and flag', () => {
    expect(rows[0]).toBe('| Variable | Flag | Type | Default | Description |');
    expect(rows.length).toBe(2 + SETTING_KEYS.length);
    SETTING_KEYS.forEach((key, i) => {
      expect(rows[i + 2]).toContain(`| \`${SETTINGS[key].env}\` | \`${SETTINGS[key].flag}\` |`);
    });
  });

  it('keeps five cells per row (pipes in text are escaped)', () => {
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length).toBe(7);
  });

  it('shows defaults as typed and derived defaults in words', () => {
    expect(table).toContain('| `HERALD_PORT` | `--port` | integer 0..65535 | `8080` |');
    expect(table).toContain('| `HERALD_RETENTION_AGE` | `--retention-age` | duration (ms, or 30s, 5m, 1h, 7d) | `7d` |');
    expect(table).toMatch(/`HERALD_JWT_ALG` .*HS256 with a secret, RS256 with a public key or JWKS/);
  });
});

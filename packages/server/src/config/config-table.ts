/**
 * The README configuration table, generated from `settings.ts` so the docs cannot drift
 * (a docs test checks the README contains `renderConfigTable()`).
 */
import { SETTINGS, SETTING_KEYS, type SettingSpec } from './settings.ts';

const TYPE_TEXT: Record<SettingSpec['type'], (s: SettingSpec) => string> = {
  string: () => 'string',
  int: (s) => (s.min !== undefined && s.max !== undefined ? `integer ${s.min}..${s.max}` : 'integer'),
  bool: () => 'boolean',
  enum: (s) => (s.values ?? []).join(' | '),
  list: () => 'comma list',
  url: (s) => `URL (${(s.schemes ?? []).map((x) => `${x}://`).join(', ')})`,
  duration: () => 'duration (ms, or 30s, 5m, 1h, 7d)',
  pem: () => 'PEM or @file',
  'trust-proxy': () => 'false, true, hops or CIDR list',
};

/** A markdown table of every setting: variable, flag, type, default, description. */
export function renderConfigTable(): string {
  const rows = SETTING_KEYS.map((key) => {
    const s: SettingSpec = SETTINGS[key];
    const def = s.default !== undefined ? (s.default === '' ? '(empty)' : `\`${s.default}\``) : (s.defaultText ?? '(unset)');
    return `| \`${s.env}\` | \`${s.flag}\` | ${cell(TYPE_TEXT[s.type](s))} | ${cell(def)} | ${cell(s.description)} |`;
  });
  return ['| Variable | Flag | Type | Default | Description |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

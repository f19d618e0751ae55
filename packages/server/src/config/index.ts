/** Configuration: the settings table, `loadConfig`, dev secrets and the generated docs table. */
export { ConfigError, devSecretsFile, loadConfig, needsDevSecrets, type Config, type JwtClaims, type JwtConfig, type LoadOptions } from './config.ts';
export { renderConfigTable } from './config-table.ts';
export { loadOrCreateDevSecrets, withDevSecrets, type DevSecrets } from './dev-secrets.ts';
export { parseDuration } from './parse.ts';
export { cliFlag, SETTINGS, SETTING_KEYS, type SettingKey, type SettingSpec, type SettingType, type SettingValues, type TrustProxy } from './settings.ts';

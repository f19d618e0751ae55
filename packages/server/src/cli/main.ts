/**
 * The `herald` command line: serve, publish, tail, keys.
 */
import { Command, Option } from 'commander';
import { SETTINGS, SETTING_KEYS, cliFlag } from '../config/settings.ts';
import { keysCreate } from './keys.ts';
import { publishCommand } from './publish.ts';
import { serve } from './serve.ts';
import { tail } from './tail.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('herald').description('Herald: real-time notifications over HTTP and Server-Sent Events.');

  const serveCmd = program.command('serve').description('Start Herald (SQLite and an in-process bus unless DATABASE_URL / REDIS_URL are set).');
  for (const key of SETTING_KEYS) {
    const s = SETTINGS[key];
    serveCmd.addOption(new Option(cliFlag(key), `${s.description} (env ${s.env})`));
  }
  serveCmd.action(async (opts: Record<string, unknown>) => serve(opts));

  program
    .command('publish')
    .description('Publish a notification (uses HERALD_API_KEYS, or the dev key in the data dir).')
    .requiredOption('--to <users>', 'comma-separated recipients')
    .requiredOption('--title <text>', 'title')
    .option('--body <text>', 'body')
    .option('--severity <level>', 'info, success, warning or critical', 'info')
    .option('--category <name>', 'category')
    .option('--url <url>', 'Herald URL', process.env.HERALD_URL ?? 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'where dev secrets live', process.env.HERALD_DATA_DIR ?? './.herald')
    .action(publishCommand);

  program
    .command('tail')
    .description("Print a user's live stream, for debugging and demos (signs a token with HERALD_JWT_SECRET or the dev secret).")
    .requiredOption('--user <id>', 'user id')
    .option('--topics <list>', 'comma-separated topics')
    .option('--last-event-id <cursor>', 'resume from this cursor')
    .option('--url <url>', 'Herald URL', process.env.HERALD_URL ?? 'http://127.0.0.1:8080')
    .option('--data-dir <dir>', 'where dev secrets live', process.env.HERALD_DATA_DIR ?? './.herald')
    .action(tail);

  const keys = program.command('keys').description('API keys');
  keys
    .command('create')
    .description('Print a new random API key and its HERALD_API_KEYS entry.')
    .option('--scopes <list>', 'publish, admin or publish+admin', 'publish')
    .action(keysCreate);

  await program.parseAsync(argv);
}

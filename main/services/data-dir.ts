import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Electron's app name comes from package.json's productName; keep in sync so all transports share one history. */
export const APP_FOLDER_NAME = 'Comparo';

/**
 * Where the history database and checkpoints live: `--data-dir <path>` (or `--data-dir=<path>`),
 * else COMPARO_DATA_DIR, else the folder Electron's app.getPath('userData') gives for this app,
 * so the desktop app, the browser mode and the CLI see the same runs.
 */
export function resolveDataDir(options: {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}): string {
  const { argv, env } = options;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir' && argv[i + 1]) return resolve(argv[i + 1]);
    if (argv[i].startsWith('--data-dir=')) return resolve(argv[i].slice('--data-dir='.length));
  }
  if (env.COMPARO_DATA_DIR) return resolve(env.COMPARO_DATA_DIR);
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_FOLDER_NAME);
}

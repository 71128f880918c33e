// `npm run web`: the app in a browser, over the same services as the desktop app and the CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openServices } from '../services';
import { resolveDataDir } from '../services/data-dir';
import type { PresetName } from '../services/presets';
import { forkTrainerLauncher } from '../training/node-launcher';
import { startWebServer } from './server';

/** Browser mode's port unless --port says otherwise. */
const DEFAULT_PORT = 5820;
const STATIC_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      preset: { type: 'string', default: 'default' },
    },
  });
  if (!existsSync(`${STATIC_DIR}/index.html`)) {
    console.error(`The UI is not built (${STATIC_DIR} is missing). Run: npm run build:renderer`);
    process.exit(1);
  }
  const preset = values.preset as PresetName;
  if (preset !== 'default' && preset !== 'quick') {
    console.error(`--preset must be "default" or "quick", not "${values.preset}"`);
    process.exit(2);
  }
  const dataDir = resolveDataDir({ argv: process.argv, env: process.env });
  const services = openServices({ dataDir, launcher: forkTrainerLauncher, transport: 'browser', preset });
  const start = (port: number) =>
    startWebServer({
      services,
      staticDir: STATIC_DIR,
      port,
      // Smaller limits for tests and for machines with little disk; defaults in shared/contract.ts.
      maxUploadBytes: byteLimit('COMPARO_MAX_UPLOAD_BYTES'),
      maxJsonBytes: byteLimit('COMPARO_MAX_JSON_BYTES'),
    });
  // A stable port, so a bookmark of any view keeps working across launches (the token is kept in
  // the data folder: main/web/server.ts); --port 0 picks a free one, as does a taken default.
  const server =
    values.port !== undefined
      ? await start(Number(values.port))
      : await start(DEFAULT_PORT).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EADDRINUSE') throw e;
          console.log(`Port ${DEFAULT_PORT} is in use; using a free one instead (pick one with --port).`);
          return start(0);
        });
  console.log(`Comparo browser mode: ${server.url}`);
  console.log(`Data folder: ${dataDir}. Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Services first: an import in flight is cancelled and its rows deleted, so its request ends and the server can close.
    const servicesClosed = services.close();
    await server.close();
    await servicesClosed;
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function byteLimit(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of bytes, not "${raw}"`);
    process.exit(2);
  }
  return value;
}

main().catch((e) => {
  console.error(`Comparo browser mode failed to start: ${(e as Error).message}`);
  process.exit(1);
});

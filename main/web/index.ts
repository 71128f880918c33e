// `npm run web`: the app in a browser, over the same services as the desktop app and the CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openServices } from '../services';
import { resolveDataDir } from '../services/data-dir';
import type { PresetName } from '../services/presets';
import { forkTrainerLauncher } from '../training/node-launcher';
import { startWebServer } from './server';

const STATIC_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
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
  const server = await startWebServer({ services, staticDir: STATIC_DIR, port: Number(values.port) });
  console.log(`Comparo browser mode: ${server.url}`);
  console.log(`Data folder: ${dataDir}. Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`Comparo browser mode failed to start: ${(e as Error).message}`);
  process.exit(1);
});

// What the command line asks of the desktop app beyond the data folder (main/services/data-dir.ts):
// a preset, and dataset files to import ("Open with Comparo", `comparo data.csv`, a second launch).
// Pure, so it is unit-tested in plain Node.
import { isDatasetFileName } from '../../shared/vocabulary';
import { resolve } from 'node:path';
import type { PresetName } from '../services/presets';

const PRESET_NAMES: readonly PresetName[] = ['default', 'quick'];
/** Options that take a value: that value is never mistaken for a file to open. */
const OPTIONS_WITH_VALUE = new Set(['--data-dir', '--preset']);
/** The extensions the renderer's drop zone accepts (renderer/lib/droppedFiles.ts). */
export { DATASET_FILE_EXTENSIONS } from '../../shared/vocabulary';

/**
 * `--preset quick` / `--preset=quick`, else COMPARO_PRESET, else undefined (the services' default).
 * The quick preset trains for seconds: the Electron e2e test and first looks use it.
 */
export function resolvePreset(argv: readonly string[], env: NodeJS.ProcessEnv): PresetName | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--preset' && argv[i + 1]) value = argv[i + 1];
    else if (argv[i].startsWith('--preset=')) value = argv[i].slice('--preset='.length);
  }
  value ??= env.COMPARO_PRESET || undefined;
  if (value === undefined) return undefined;
  if ((PRESET_NAMES as readonly string[]).includes(value)) return value as PresetName;
  console.warn(`comparo: unknown preset '${value}' (known: ${PRESET_NAMES.join(', ')}); using the default`);
  return undefined;
}

/**
 * Dataset files named on a command line, as absolute paths. `argv` is the whole process argv
 * (argv[0] is the executable; in development Electron also gets the app folder, which has no
 * dataset extension and so is skipped). Chromium switches and our own options are skipped.
 */
export function datasetPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const paths: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    if (isDatasetFileName(arg)) paths.push(resolve(cwd, arg));
  }
  return paths;
}

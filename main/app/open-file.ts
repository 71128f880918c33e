// A dataset file chosen in the native dialog or named on the command line, imported exactly as
// the renderer's drop zone imports one: its text through 'datasets.importText', so the services'
// parsing, validation and error locations are the same whichever way the file came in.
// node:fs only (no `electron`), so it is unit-tested in plain Node.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { err, type Result } from '../../shared/errors';
import type { DatasetSummary } from '../../shared/schemas';
import type { Services } from '../services/index';
import { DATASET_FILE_EXTENSIONS } from './launch-options';

/** The contract's limit on 'datasets.importText' content; checked before reading the file. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** Filters for dialog.showOpenDialog (extensions without the dot, as Electron wants them). */
export const OPEN_DIALOG_FILTERS = [
  { name: 'Datasets (CSV, TSV, JSON, JSON Lines, Parquet)', extensions: DATASET_FILE_EXTENSIONS.map((e) => e.slice(1)) },
  { name: 'All files', extensions: ['*'] },
];

export async function importDatasetFile(services: Pick<Services, 'dispatch'>, path: string): Promise<Result<DatasetSummary>> {
  let content: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) return err('bad_input', `${path} is not a file.`);
    if (info.size > MAX_IMPORT_BYTES) {
      return err('bad_input', `${basename(path)} is ${(info.size / 2 ** 20).toFixed(0)} MiB; the limit is 512 MiB.`);
    }
    content = await readFile(path, 'utf8');
  } catch (cause) {
    return err('bad_input', `Could not read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  // dispatch validates against shared/contract and returns the DatasetSummary schema's output.
  return (await services.dispatch('datasets.importText', { fileName: basename(path), content })) as Result<DatasetSummary>;
}

/**
 * The app page on the route that shows one dataset (renderer/lib/route.ts's hash form). The query
 * names the dataset too, because a URL that differs from the current one only after '#' is a
 * same-document navigation: the page would switch views without reloading its history list.
 * The renderer ignores the query (and app-url.ts's isAppUrl allows any query on the entry page).
 */
export function datasetPageUrl(entryUrl: string, datasetId: string): string {
  const url = new URL(entryUrl);
  url.searchParams.set('imported', datasetId);
  url.hash = `#/dataset/${encodeURIComponent(datasetId)}`;
  return url.href;
}

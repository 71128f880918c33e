// Turns a drop into a list of files, walking dropped folders (users drop a folder of exports as
// often as a single file). Inside folders only dataset-like files are kept; a file dropped on its
// own is always passed on, so the server can say why it is not a dataset.

import { DATASET_FILE_EXTENSIONS, isDatasetFileName } from '../../shared/vocabulary';

/** The same list everywhere (shared/vocabulary.ts): JSON and Parquet included. */
export const DATASET_EXTENSIONS = DATASET_FILE_EXTENSIONS;
export const looksLikeDataset = isDatasetFileName;

/** Must be called synchronously inside the drop handler: DataTransfer items expire after it returns. */
export function collectDroppedFiles(transfer: DataTransfer): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  const plainFiles: File[] = [];
  for (const item of Array.from(transfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) plainFiles.push(file);
    }
  }
  if (entries.length === 0 && plainFiles.length === 0) return Promise.resolve(Array.from(transfer.files ?? []));
  return Promise.all(entries.map((entry) => filesOfEntry(entry, true))).then((nested) => [...nested.flat(), ...plainFiles]);
}

async function filesOfEntry(entry: FileSystemEntry, topLevel: boolean): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return topLevel || looksLikeDataset(file.name) ? [file] : [];
  }
  if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    const nested = await Promise.all(children.map((child) => filesOfEntry(child, false)));
    return nested.flat().sort((a, b) => a.name.localeCompare(b.name));
  }
  return [];
}

/** readEntries returns at most ~100 entries per call; keep reading until it returns none. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

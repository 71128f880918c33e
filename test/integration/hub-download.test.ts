// Downloading from the hub into the cache layout, against a local HTTP server that answers as the
// hub does (real HTTP, real files): progress, resume after a broken transfer, checksums, offline.
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelDownloadProgress } from '../../shared/models';
import { cachedSnapshot, listCachedModels } from '../../main/pretrained/hf-cache';
import { downloadModel } from '../../main/pretrained/hub-download';
import { inspectModelFolder } from '../../main/pretrained/inspect';
import { readSafetensors, serializeSafetensors, type TensorMap } from '../../main/pretrained/safetensors';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { repoFromFolder, sha256, startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { tempDir } from '../helpers/temp-dir';

const BERT = resolve(__dirname, '../fixtures/pretrained/bert');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The BERT fixture's tensors split over two safetensors shards with an index, as big checkpoints come. */
function shardedRepo() {
  const repo = repoFromFolder(BERT, 'f'.repeat(40));
  const tensors = [...readSafetensors(join(BERT, 'model.safetensors'))];
  const halves: TensorMap[] = [new Map(tensors.slice(0, 20)), new Map(tensors.slice(20))];
  const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const weightMap: Record<string, string> = {};
  halves.forEach((half, i) => {
    repo.files.set(names[i], serializeSafetensors(half));
    for (const name of half.keys()) weightMap[name] = names[i];
  });
  repo.files.delete('model.safetensors');
  repo.files.set('model.safetensors.index.json', Buffer.from(JSON.stringify({ metadata: {}, weight_map: weightMap })));
  return repo;
}

/** An index naming a "shard" outside the repo folder. */
function evilRepo() {
  const repo = repoFromFolder(BERT, '9'.repeat(40));
  repo.files.delete('model.safetensors');
  repo.files.set('model.safetensors.index.json', Buffer.from(JSON.stringify({ weight_map: { x: '../../../escaped.safetensors' } })));
  return repo;
}

async function setup(): Promise<{ hub: FakeHub; cacheDir: string }> {
  const repo = repoFromFolder(BERT, SHA);
  repo.files.set('pytorch_model.bin', Buffer.from('not read'));
  const pickleOnly = { sha: 'b'.repeat(40), files: new Map([['config.json', repo.files.get('config.json')!], ['pytorch_model.bin', Buffer.alloc(64)]]) };
  const hub = await startFakeHub({ 'tiny-org/bert-tiny': repo, 'tiny-org/old-bert': pickleOnly, 'tiny-org/bert-sharded': shardedRepo(), 'tiny-org/evil': evilRepo() });
  const dir = tempDir('comparo-hub-');
  cleanups.push(() => hub.close(), dir.cleanup);
  return { hub, cacheDir: join(dir.path, 'hub') };
}

describe('hub download', () => {
  it('fills the cache layout that huggingface_hub uses, reporting progress per file', async () => {
    const { hub, cacheDir } = await setup();
    const events: ModelDownloadProgress[] = [];
    const folder = await downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint, onProgress: (p) => events.push(p) });

    const repoDir = join(cacheDir, 'models--tiny-org--bert-tiny');
    expect(folder).toBe(join(repoDir, 'snapshots', SHA));
    expect(readFileSync(join(repoDir, 'refs', 'main'), 'utf8')).toBe(SHA);
    // The weights: a symlink into blobs/, named by the sha256 the hub gave as X-Linked-Etag.
    const weights = readFileSync(join(BERT, 'model.safetensors'));
    const link = join(folder, 'model.safetensors');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('..', '..', 'blobs', sha256(weights)));
    expect(readFileSync(link).equals(weights)).toBe(true);
    // Exactly what a run needs: no pickle.
    expect(existsSync(join(folder, 'pytorch_model.bin'))).toBe(false);
    expect(existsSync(join(folder, 'vocab.txt'))).toBe(true);

    const done = events.filter((e) => e.fileDone).map((e) => e.file);
    expect(done).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
    const last = events.filter((e) => e.file === 'model.safetensors').at(-1)!;
    expect(last).toMatchObject({ receivedBytes: weights.length, totalBytes: weights.length, fileIndex: 2, fileCount: 4 });

    // Found again by id, listed, inspectable and its tokenizer loads.
    expect(cachedSnapshot(cacheDir, 'tiny-org/bert-tiny')).toBe(folder);
    expect(listCachedModels(cacheDir)).toEqual([{ id: 'tiny-org/bert-tiny', folder }]);
    const info = await inspectModelFolder(folder, { source: 'tiny-org/bert-tiny', kind: 'cache', hubId: 'tiny-org/bert-tiny' });
    expect(info).toMatchObject({ family: 'bert', layers: 2, hiddenSize: 32, usable: true, weights: 'safetensors' });
    expect((await loadTokenizer(folder)).clsId).toBeGreaterThanOrEqual(0);

    // A second download finds every blob in place and transfers nothing.
    const before = hub.log.length;
    await downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint });
    expect(hub.log.slice(before).filter((r) => r.method === 'GET' && !r.path.startsWith('/api/'))).toEqual([]);
  });

  it('resumes a broken transfer with a Range request from where the partial file ends', async () => {
    const { hub, cacheDir } = await setup();
    const weights = readFileSync(join(BERT, 'model.safetensors'));
    const blob = join(cacheDir, 'models--tiny-org--bert-tiny', 'blobs', sha256(weights));
    hub.cutNext('model.safetensors', 40_000);

    await expect(downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint })).rejects.toThrow(/broke off after 40000 bytes.*run it again to resume/);
    expect(statSync(`${blob}.incomplete`).size).toBe(40_000);
    expect(existsSync(blob)).toBe(false);

    const events: ModelDownloadProgress[] = [];
    const folder = await downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint, onProgress: (p) => events.push(p) });
    const weightGets = hub.log.filter((r) => r.method === 'GET' && r.path.startsWith('/cdn/') && r.path.endsWith('/model.safetensors'));
    expect(weightGets.map((r) => r.range)).toEqual([null, 'bytes=40000-']);
    expect(readFileSync(join(folder, 'model.safetensors')).equals(weights)).toBe(true);
    expect(existsSync(`${blob}.incomplete`)).toBe(false);
    // Files finished before the break are not fetched again.
    expect(hub.log.filter((r) => r.method === 'GET' && r.path.endsWith('/config.json'))).toHaveLength(1);
    expect(events.find((e) => e.file === 'model.safetensors' && e.fileDone)?.receivedBytes).toBe(weights.length);
  });

  it('rejects a file whose bytes do not match the checksum, keeping nothing of it', async () => {
    const { hub, cacheDir } = await setup();
    hub.corrupt('model.safetensors');
    const weights = readFileSync(join(BERT, 'model.safetensors'));
    const blob = join(cacheDir, 'models--tiny-org--bert-tiny', 'blobs', sha256(weights));
    await expect(downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint })).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringContaining(`does not match its checksum ${sha256(weights)}`),
    });
    expect(existsSync(blob)).toBe(false);
    expect(existsSync(`${blob}.incomplete`)).toBe(false);
  });

  it('checks small files against their git blob sha1', async () => {
    const { hub, cacheDir } = await setup();
    hub.corrupt('vocab.txt');
    await expect(downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint: hub.endpoint })).rejects.toThrow(/vocab.txt: the downloaded file does not match its checksum/);
  });

  it('says clearly when the hub has only PyTorch pickles, or no such model', async () => {
    const { hub, cacheDir } = await setup();
    await expect(downloadModel({ id: 'tiny-org/old-bert', cacheDir, endpoint: hub.endpoint })).rejects.toThrow(/has only pytorch_model.bin .*Comparo reads safetensors only/);
    await expect(downloadModel({ id: 'tiny-org/missing', cacheDir, endpoint: hub.endpoint })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('offline, names the cache folder to put the files in and the files needed', async () => {
    const { hub, cacheDir } = await setup();
    const endpoint = hub.endpoint;
    await hub.close(); // nothing listens on that port any more: connection refused, as offline
    const error = (await downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint }).then(() => null, (e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(join(cacheDir, 'models--tiny-org--bert-tiny', 'snapshots'));
    expect(error.message).toContain('config.json, model.safetensors, and tokenizer.json or vocab.txt');
    await expect(downloadModel({ id: 'tiny-org/bert-tiny', cacheDir, endpoint, offline: true })).rejects.toThrow(/HF_HUB_OFFLINE is set/);
  });

  it('downloads a sharded checkpoint: the index, then every shard it names', async () => {
    const { hub, cacheDir } = await setup();
    const folder = await downloadModel({ id: 'tiny-org/bert-sharded', cacheDir, endpoint: hub.endpoint });
    const info = await inspectModelFolder(folder, { source: 'tiny-org/bert-sharded', kind: 'cache', hubId: 'tiny-org/bert-sharded' });
    // The same 25138 parameters as the single-file checkpoint, now read from two shard headers.
    expect(info).toMatchObject({ weights: 'sharded', parameters: 25138, usable: true });
  });

  it('refuses names from the network that would leave the repo folder', async () => {
    const { hub, cacheDir } = await setup();
    await expect(downloadModel({ id: 'tiny-org/evil', cacheDir, endpoint: hub.endpoint })).rejects.toThrow(/names a shard "..\/..\/..\/escaped.safetensors" that is not a file in the repo/);
    await expect(downloadModel({ id: 'tiny-org/bert-tiny', revision: '../../outside', cacheDir, endpoint: hub.endpoint })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(downloadModel({ id: '../etc', cacheDir, endpoint: hub.endpoint })).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

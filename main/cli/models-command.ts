// `npm run cli -- models [inspect <folder|hub-id> | download <hub-id> [--revision R]] [--json]`:
// the models a run can start from, over the same channels as the app's model picker.
import type { Channel, EventPayload, RequestOf, ResponseOf } from '../../shared/contract';
import { formatBytes, formatParameters, type ModelInfo, type ModelList } from '../../shared/models';
import type { Services } from '../services';

export const MODELS_USAGE = `  models [--json]                        built-in model, hub-cache models and recent folders: family, size,
                                         parameters, recommended learning rate
  models inspect <folder|hub-id>         one model folder (or cached hub model) in detail
  models download <hub-id> [--revision R]
                                         into the hub cache (HF_HUB_CACHE / HF_HOME/hub / ~/.cache/huggingface/hub),
                                         resumable; HF_ENDPOINT and HF_TOKEN are honoured`;

export interface ModelsCommandContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  out(value: unknown, text: string): void;
  usage(message: string): never;
  services: Services;
  args: string[];
  revision?: string;
}

function modelLine(m: ModelInfo): string {
  const shape = m.layers === null ? '' : `${m.layers} layers x ${m.hiddenSize ?? '?'}`;
  const state = m.usable ? '' : `  UNUSABLE: ${m.problems.join('; ')}`;
  return `  ${m.source.padEnd(40)} ${(m.family ?? '?').padEnd(10)} ${shape.padEnd(16)} ${formatParameters(m.parameters).padStart(7)} params ${formatBytes(m.sizeBytes).padStart(9)}  lr ${m.recommendedLearningRate}${state}\n`;
}

export function modelListText(list: ModelList): string {
  const section = (title: string, models: ModelInfo[], empty: string) => `${title}\n${models.length ? models.map(modelLine).join('') : `  ${empty}\n`}`;
  return [
    section('Ships with Comparo', list.builtin, ''),
    section(`Hub cache (${list.cacheDir})`, list.cached, 'none: `models download <org/name>`'),
    section('Recent folders', list.recent, 'none'),
  ].join('\n');
}

export function modelDetailText(m: ModelInfo): string {
  const rows: [string, string][] = [
    ['source', m.source],
    ['folder', m.folder ?? '-'],
    ['family', m.family ?? '?'],
    ['layers / hidden / heads', `${m.layers ?? '?'} / ${m.hiddenSize ?? '?'} / ${m.heads ?? '?'}`],
    ['vocabulary', String(m.vocabSize ?? '?')],
    ['parameters', `${formatParameters(m.parameters)} (${m.sizeClass})`],
    ['size on disk', formatBytes(m.sizeBytes)],
    ['weights / tokenizer', `${m.weights} / ${m.tokenizer ?? 'none'}`],
    ['recommended learning rate', String(m.recommendedLearningRate)],
    ['usable', m.usable ? 'yes' : `no: ${m.problems.join('; ')}`],
  ];
  return rows.map(([k, v]) => `${k.padEnd(26)} ${v}\n`).join('');
}

export async function modelsCommand(context: ModelsCommandContext): Promise<number> {
  const [sub, target] = context.args;
  if (sub === undefined) {
    const list = await context.call('models.list', {});
    context.out(list, modelListText(list));
    return 0;
  }
  if (sub === 'inspect') {
    if (!target) context.usage('models inspect needs a folder or hub id');
    const info = await context.call('models.inspect', { source: target });
    context.out(info, modelDetailText(info));
    return info.usable ? 0 : 1;
  }
  if (sub === 'download') {
    if (!target) context.usage('models download needs a hub id, e.g. google/electra-small-discriminator');
    const stop = context.services.onEvent((name, payload) => {
      if (name !== 'model.downloadProgress') return;
      const p = payload as EventPayload<'model.downloadProgress'>;
      const share = p.totalBytes ? ` ${Math.floor((100 * p.receivedBytes) / p.totalBytes)}%` : '';
      if (p.fileDone || p.totalBytes) process.stderr.write(`  [${p.fileIndex}/${p.fileCount}] ${p.file}${share} (${formatBytes(p.receivedBytes)})${p.fileDone ? ' done' : ''}\n`);
    });
    try {
      const info = await context.call('models.download', { id: target, ...(context.revision ? { revision: context.revision } : {}) });
      context.out(info, modelDetailText(info));
      return 0;
    } finally {
      stop();
    }
  }
  return context.usage(`Unknown models subcommand "${sub}" (inspect, download)`);
}

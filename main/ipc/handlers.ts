import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import { mergeRunConfig } from '../../shared/schemas';
import type { ServiceSet } from '../services/service-set';

type Handler<C extends Channel> = (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { [C in Channel]: Handler<C> };

/** One handler per channel: the request is already validated; call a service, return a value. */
export function createHandlers(s: ServiceSet): Handlers {
  return {
    'app.info': () => s.info(),
    'datasets.importText': (r) => s.datasets.importText(r.fileName, r.content),
    'datasets.importEmbedded': () => s.datasets.importEmbedded(),
    'datasets.list': () => s.datasets.list(),
    'datasets.preview': (r) => s.datasets.preview(r.id, r.limit),
    'runs.start': (r) => s.runs.create(r.datasetId, mergeRunConfig(s.preset.config, r.config)),
    'runs.list': () => s.runs.list(),
    'runs.get': (r) => s.runs.detail(r.id),
    'runs.cancel': (r) => s.runs.cancel(r.id),
    'runs.pause': (r) => s.runs.pause(r.id),
    'runs.resume': (r) => s.runs.resume(r.id),
    'comparisons.start': (r) =>
      s.comparisons.start(r.datasetId, r.seeds ?? s.preset.seeds, mergeRunConfig(s.preset.config, r.config)),
    'comparisons.list': () => s.comparisons.list(),
    'comparisons.get': (r) => s.comparisons.detail(r.id),
  };
}

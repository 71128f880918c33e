// ModelSource -> Predictor, for every kind of model. The one place a new model kind is added.
import { loadFolderPredictor } from './folder-predictor';
import type { ModelSource } from './model-source';
import type { Predictor } from './predictor';
import { loadRunPredictor } from './run-predictor';

export async function loadPredictor(source: ModelSource): Promise<Predictor> {
  return source.kind === 'run' ? loadRunPredictor(source) : loadFolderPredictor(source.path);
}

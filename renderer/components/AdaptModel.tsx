// "Adapt the model to this text first": domain-adaptive pretraining (masked language model) of the
// chosen pretrained model on this dataset's training texts, then fine-tuning starts from the
// result (Gururangan et al., "Don't Stop Pretraining"). The work runs in its own process
// (main/services/pretrain-service.ts); this card starts it, shows the held-out loss as it falls,
// and hands the finished folder to the model choice.
import { useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { ModelInfo } from '../../shared/models';
import { PRETRAIN_DEFAULTS, type PretrainProgress } from '../../shared/pretrain-protocol';
import { getApi } from '../api';
import { useApiEvent } from '../lib/hooks';
import { ErrorMessage } from './ErrorMessage';

interface AdaptModelProps {
  datasetId: string;
  /** The chosen model's source ('builtin', a shipped name, a folder or a hub id). */
  model: string;
  onAdapted: (model: ModelInfo) => void;
}

export function AdaptModel({ datasetId, model, onAdapted }: AdaptModelProps) {
  const [steps, setSteps] = useState(String(PRETRAIN_DEFAULTS.steps));
  const [id, setId] = useState<string | null>(null);
  const [progress, setProgress] = useState<PretrainProgress | null>(null);
  const [error, setError] = useState<AppErrorValue | string | null>(null);
  const [adapted, setAdapted] = useState<string | null>(null);

  useApiEvent('pretraining.progress', (p) => {
    if (p.id !== id) return;
    setProgress(p);
    if (p.status === 'running') return;
    setId(null);
    if (p.status === 'failed') setError(p.error ?? 'pretraining failed');
    if (p.status !== 'completed') return;
    void getApi()
      .invoke('models.inspect', { source: p.folder })
      .then((result) => {
        if (!result.ok) return setError(result.error);
        setAdapted(p.folder);
        onAdapted(result.value);
      });
  });

  const start = async () => {
    setError(null);
    setProgress(null);
    const n = Number(steps);
    const result = await getApi().invoke('pretraining.start', { model, datasetId, settings: { steps: n } });
    if (!result.ok) return setError(result.error);
    setId(result.value.id);
  };

  const running = id !== null;
  const pretrained = model !== 'builtin';
  const share = progress && progress.steps > 0 ? progress.step / progress.steps : 0;
  return (
    <section className="adapt-model" data-testid="adapt-model">
      <div className="model-row">
        <button type="button" className="button small" data-testid="adapt-start" disabled={!pretrained || running || !(Number(steps) >= 1)} onClick={() => void start()}
          title={pretrained ? 'Continue masked-language-model pretraining on this dataset\u2019s training texts, then fine-tune from the result' : 'Choose a pretrained model first: the built-in one has no pretraining to continue'}>
          Adapt the model to this text first
        </button>
        <label className="muted">
          steps <input type="number" min={1} max={100000} value={steps} disabled={running} onChange={(e) => setSteps(e.target.value)} data-testid="adapt-steps" style={{ width: '6em' }} />
        </label>
        {running && (
          <button type="button" className="button small secondary" data-testid="adapt-cancel" onClick={() => void getApi().invoke('pretraining.cancel', { id: id! })}>
            Cancel
          </button>
        )}
      </div>
      {!pretrained && <p className="muted">Adapting needs a pretrained model: choose one above.</p>}
      {progress && progress.status === 'running' && (
        <div data-testid="adapt-progress">
          <progress max={progress.steps} value={progress.step} />
          <span className="muted">
            {' '}
            step {progress.step} of {progress.steps} ({Math.round(share * 100)}%)
            {progress.validationLoss !== null ? ` · held-out masked-word loss ${progress.validationLoss.toFixed(3)}` : ' · reading the texts'}
          </span>
        </div>
      )}
      {progress?.status === 'cancelled' && <p className="muted">Adapting cancelled; nothing was written.</p>}
      {adapted && progress?.status === 'completed' && (
        <p data-testid="adapt-done">
          Adapted in {progress.steps} steps (held-out masked-word loss {progress.validationLoss?.toFixed(3)}): fine-tuning now starts from <code>{adapted}</code>.
        </p>
      )}
      <ErrorMessage title="Could not adapt the model" error={error} onDismiss={() => setError(null)} />
    </section>
  );
}

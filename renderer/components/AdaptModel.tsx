// "Adapt the model to this text first": domain-adaptive pretraining (masked language model) of the
// chosen pretrained model on this dataset's training texts, then fine-tuning starts from the
// result (Gururangan et al., "Don't Stop Pretraining"). The work runs in its own process
// (main/services/pretrain-service.ts); this card starts, pauses and resumes it, shows the held-out
// loss as it falls, hands the finished folder to the model choice, and lists the dataset's earlier
// pretraining runs from the history.
import { useCallback, useEffect, useState } from 'react';
import type { AppErrorValue } from '../../shared/errors';
import type { ModelInfo } from '../../shared/models';
import { PRETRAIN_DEFAULTS, type PretrainProgress, type PretrainRun } from '../../shared/pretrain-protocol';
import { getApi } from '../api';
import { useApiEvent } from '../lib/hooks';
import { ErrorMessage } from './ErrorMessage';
import { PretrainHistory } from './PretrainHistory';

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
  const [history, setHistory] = useState<PretrainRun[]>([]);
  const [pausing, setPausing] = useState(false);

  const refresh = useCallback(() => {
    void getApi()
      .invoke('pretraining.list', { datasetId })
      .then((result) => result.ok && setHistory(result.value.runs));
  }, [datasetId]);
  useEffect(refresh, [refresh]);

  const use = (folder: string) =>
    void getApi()
      .invoke('models.inspect', { source: folder })
      .then((result) => {
        if (!result.ok) return setError(result.error);
        setAdapted(folder);
        onAdapted(result.value);
      });

  useApiEvent('pretraining.progress', (p) => {
    if (p.datasetId === datasetId && p.status !== 'running') refresh();
    if (p.id !== id) return;
    setProgress(p);
    if (p.status === 'running') return;
    setPausing(false);
    // A paused run stays this card's: Resume continues it under the same id.
    if (p.status !== 'paused') setId(null);
    if (p.status === 'failed') setError(p.error ?? 'pretraining failed');
    if (p.status === 'completed') use(p.folder);
  });

  const resume = async (runId: string) => {
    setError(null);
    const result = await getApi().invoke('pretraining.resume', { id: runId });
    if (!result.ok) return setError(result.error);
    setId(result.value.id);
    setProgress(null);
  };

  const pause = async () => {
    setPausing(true);
    const result = await getApi().invoke('pretraining.pause', { id: id! });
    if (!result.ok) {
      setPausing(false);
      setError(result.error);
    }
  };

  const start = async () => {
    setError(null);
    setProgress(null);
    const n = Number(steps);
    const result = await getApi().invoke('pretraining.start', { model, datasetId, settings: { steps: n } });
    if (!result.ok) return setError(result.error);
    setId(result.value.id);
  };

  const paused = progress?.status === 'paused' && progress.id === id;
  const running = id !== null && !paused;
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
          <button type="button" className="button small secondary" data-testid="adapt-pause" disabled={pausing} onClick={() => void pause()}
            title="Stop with a checkpoint: Resume continues exactly where it stopped">
            {pausing ? 'Pausing\u2026' : 'Pause'}
          </button>
        )}
        {paused && (
          <button type="button" className="button small" data-testid="adapt-resume" onClick={() => void resume(id!)}>
            Resume
          </button>
        )}
        {(running || paused) && (
          <button type="button" className="button small secondary" data-testid="adapt-cancel" onClick={() => void getApi().invoke('pretraining.cancel', { id: id! }).then((r) => (r.ok ? undefined : setError(r.error)))}>
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
      {paused && (
        <p className="muted" data-testid="adapt-paused">
          Paused at step {progress.step} of {progress.steps} with a checkpoint: Resume continues from there.
        </p>
      )}
      {progress?.status === 'cancelled' && <p className="muted">Adapting cancelled; nothing was written.</p>}
      {adapted && progress?.status === 'completed' && (
        <p data-testid="adapt-done">
          Adapted in {progress.steps} steps (held-out masked-word loss {progress.validationLoss?.toFixed(3)}): fine-tuning now starts from <code>{adapted}</code>.
        </p>
      )}
      <PretrainHistory runs={history} activeId={id} onUse={(run) => use(run.folder)} onResume={(run) => void resume(run.id)} />
      <ErrorMessage title="Could not adapt the model" error={error} onDismiss={() => setError(null)} />
    </section>
  );
}

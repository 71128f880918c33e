// The run's checkpoint folder as it is on disk now (runs.checkpoints): which files exist, their
// bytes, which one is the selected model (best.ckpt) and which one resume continues from.
import { formatBytes } from '../../../shared/models';
import type { RunSummary } from '../../../shared/schemas';
import { formatDateTime } from '../../lib/format';
import { useOnKeyChange } from '../../lib/hooks';
import { useApiQuery } from '../../lib/useApiQuery';
import { ErrorMessage } from '../ErrorMessage';

export function RunCheckpoints({ run, refreshKey }: { run: RunSummary; refreshKey: string }) {
  const query = useApiQuery('runs.checkpoints', { id: run.id });
  // A new checkpoint comes with a new status or step: refresh with them.
  useOnKeyChange(refreshKey, query.reload);
  const files = query.data?.files ?? [];
  const keep = run.config.keepCheckpoints === 0 ? 'every periodic checkpoint is kept' : `the newest ${run.config.keepCheckpoints} periodic checkpoint${run.config.keepCheckpoints === 1 ? ' is' : 's are'} kept`;
  return (
    <section className="card" aria-labelledby="run-checkpoints-heading" data-testid="run-checkpoints">
      <h2 id="run-checkpoints-heading">Checkpoints</h2>
      <p className="muted">
        best.ckpt holds the selected model (best {run.config.selectionMetric} on validation{run.bestStep !== null ? `, step ${run.bestStep}` : ''}); {keep}; resume continues from the latest
        recorded one{run.checkpointStep !== null ? ` (step ${run.checkpointStep})` : ''}.
      </p>
      <ErrorMessage error={query.error} />
      {query.data && files.length === 0 && <p data-testid="run-checkpoints-none">No checkpoint files on disk for this run.</p>}
      {files.length > 0 && (
        <div className="table-scroll">
          <table className="run-checkpoints-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Role</th>
                <th scope="col">Size</th>
                <th scope="col">Written</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.name} data-checkpoint={f.name} data-kind={f.kind} data-resume={f.resumePoint ? 'true' : undefined}>
                  <th scope="row">
                    <code>{f.name}</code>
                  </th>
                  <td>
                    {[
                      f.kind === 'best' ? 'selected model (best)' : f.kind === 'periodic' ? `periodic, step ${f.step}` : f.kind === 'temporary' ? 'being written (or left by a crash)' : 'other file',
                      f.resumePoint ? 'resume point' : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </td>
                  <td data-bytes={f.bytes}>{formatBytes(f.bytes)}</td>
                  <td className="muted">{formatDateTime(f.modifiedAt)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td />
                <td data-testid="run-checkpoints-total">{formatBytes(query.data?.totalBytes ?? 0)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}

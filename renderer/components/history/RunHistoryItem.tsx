// One run in the history: a checkbox for multi-select, the link to its page, its status, headline
// metric and tags, and an inline editor for its name and tags (Enter saves, Escape cancels).
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AppErrorValue } from '../../../shared/errors';
import type { RunSummary } from '../../../shared/schemas';
import { getApi } from '../../api';
import { formatMetric, metricLabel } from '../../lib/format';
import { routeHref } from '../../lib/route';
import { ErrorMessage } from '../ErrorMessage';
import { StatusChip } from '../StatusChip';

interface RunHistoryItemProps {
  run: RunSummary;
  /** What the list shows: the full display name, or its role ("comparative · seed 2") under its comparison. */
  label: string;
  /** The full display name (tooltip, accessible names). */
  fullName: string;
  current: boolean;
  selected: boolean;
  onToggle: (id: string) => void;
  onChanged: () => void;
}

/** "a, b ,c" -> ["a", "b", "c"]: tags are typed comma-separated, the way they are shown. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

/** The number a run is judged by: its selection metric where it was measured, else accuracy. */
export function headlineMetric(run: RunSummary): { name: string; value: number } | null {
  for (const name of [run.config.selectionMetric, 'accuracy', 'pearson']) {
    const value = run.finalMetrics[name];
    if (value !== undefined) return { name, value };
  }
  return null;
}

export function RunHistoryItem({ run, label, fullName, current, selected, onToggle, onChanged }: RunHistoryItemProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(fullName);
  const [tags, setTags] = useState((run.tags ?? []).join(', '));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const metric = headlineMetric(run);

  const startEditing = () => {
    setName(fullName);
    setTags((run.tags ?? []).join(', '));
    setError(null);
    setEditing(true);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    // An unchanged name is not sent: saving tags must not freeze the generated name into a rename.
    const renamed = name.trim() !== fullName.trim();
    const result = await getApi().invoke('runs.update', { id: run.id, ...(renamed ? { name } : {}), tags: parseTags(tags) });
    setSaving(false);
    if (!result.ok) return setError(result.error);
    setEditing(false);
    onChanged();
  };

  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') setEditing(false);
  };

  return (
    <li className={`history-run${selected ? ' is-selected' : ''}`} data-history-run-item={run.id}>
      <div className="history-run-row">
        <input type="checkbox" checked={selected} onChange={() => onToggle(run.id)} aria-label={`Select ${fullName}`} data-testid="history-select" />
        <a href={routeHref({ view: 'run', id: run.id })} className={`history-item${current ? ' is-current' : ''}`} data-history-run={run.id}>
          <span className="history-title" title={fullName}>
            <span className={`arm-dot arm-${run.loss}`} aria-hidden="true" />
            <span data-testid="history-run-name">{label}</span>
          </span>
          <span className="history-meta">
            <StatusChip status={run.status} />
            {metric && (
              <span className="muted" data-testid="history-run-metric">
                {metricLabel(metric.name)} {formatMetric(metric.name, metric.value)}
              </span>
            )}
            {run.totalSteps > 0 && run.status !== 'completed' && <span className="muted">{Math.round((run.step / run.totalSteps) * 100)}%</span>}
            {(run.tags ?? []).map((tag) => (
              <span key={tag} className="tag-chip" data-testid="history-tag">
                {tag}
              </span>
            ))}
          </span>
        </a>
        {!editing && (
          <button type="button" className="button small ghost" onClick={startEditing} aria-label={`Rename or tag ${fullName}`} data-testid="history-edit">
            Edit
          </button>
        )}
      </div>
      {editing && (
        <form className="history-edit" onSubmit={(e) => void save(e)} onKeyDown={cancelOnEscape}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} required data-testid="history-rename-input" />
          </label>
          <label>
            Tags <span className="muted">(comma-separated)</span>
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="paper, keep" data-testid="history-tags-input" />
          </label>
          <div className="history-edit-actions">
            <button type="submit" className="button small primary" disabled={saving} data-testid="history-save">
              Save
            </button>
            <button type="button" className="button small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={error} onDismiss={() => setError(null)} />
        </form>
      )}
    </li>
  );
}

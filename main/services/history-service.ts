// The editable history: search and filter runs, rename and tag them, delete runs and comparisons
// (with their checkpoint files), and compare any set of finished runs after the fact.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunCheckpoints, RunDeleteResult, RunFilter } from '../../shared/history';
import { historyNames, type HistoryNames } from '../../shared/run-names';
import type { ComparisonSummary, RunSummary } from '../../shared/schemas';
import type { RunHistoryRepo } from '../db/run-history-repo';
import { ACTIVE_STATUSES } from '../db/runs-repo';
import { planAdhoc } from './adhoc-comparison';
import type { ComparisonService } from './comparison-service';
import { newId, type DatasetService } from './dataset-service';
import type { RunService } from './run-service';

export class HistoryService {
  constructor(
    private readonly repo: RunHistoryRepo,
    private readonly runs: RunService,
    private readonly comparisons: ComparisonService,
    private readonly datasets: DatasetService,
    /** Where RunService puts each run's checkpoints: <checkpointRoot>/<run id>/. */
    private readonly checkpointRoot: string,
  ) {}

  /**
   * Runs matching the filter. Text also matches the name the history shows (shared/run-names.ts:
   * "imdb · bert-tiny · C=2 p=0.1 · …"), which is computed, not stored, so SQL cannot see it.
   */
  search(filter: RunFilter = {}): RunSummary[] {
    const text = filter.text?.trim().toLowerCase();
    if (!text) return this.repo.search(filter);
    const bySql = new Set(this.repo.search(filter).map((r) => r.id));
    const { text: _text, ...rest } = filter;
    const candidates = this.repo.search(rest);
    const names = this.names();
    return candidates.filter((r) => bySql.has(r.id) || (names.run(r.id) ?? '').toLowerCase().includes(text));
  }

  /** Display names of comparisons and runs (every run is named among all of them, whatever is asked). */
  names(): HistoryNames {
    return historyNames({ datasets: this.datasets.list(), comparisons: this.comparisons.list(), runs: this.repo.search({}) });
  }

  /** The files in the run's checkpoint folder, best first, then periodic ones newest first. */
  checkpoints(id: string): RunCheckpoints {
    this.runs.get(id);
    const dir = join(this.checkpointRoot, id);
    const recorded = this.repo.checkpointPath(id);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const files: RunCheckpoints['files'] = [];
    for (const name of entries) {
      const path = join(dir, name);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // pruned between listing and stat (main/training/checkpoint.ts)
      }
      if (!stat.isFile()) continue;
      const step = /^step-(\d+)\.ckpt$/.exec(name);
      const kind = name === 'best.ckpt' ? 'best' : step ? 'periodic' : /\.tmp-\d+$/.test(name) ? 'temporary' : 'other';
      files.push({ name, bytes: stat.size, kind, step: step ? Number(step[1]) : null, resumePoint: recorded !== null && resolve(recorded) === resolve(path), modifiedAt: stat.mtime.toISOString() });
    }
    const order = { best: 0, periodic: 1, other: 2, temporary: 3 } as const;
    files.sort((a, b) => order[a.kind] - order[b.kind] || (b.step ?? 0) - (a.step ?? 0) || a.name.localeCompare(b.name));
    return { files, totalBytes: files.reduce((sum, f) => sum + f.bytes, 0) };
  }

  tags(): Array<{ tag: string; runs: number }> {
    return this.repo.tagCounts();
  }

  update(id: string, change: { name?: string; tags?: string[] }): RunSummary {
    this.runs.get(id);
    if (change.name !== undefined) this.repo.rename(id, change.name);
    if (change.tags !== undefined) this.repo.setTags(id, [...new Set(change.tags)].sort());
    return this.repo.withTags([this.runs.get(id)])[0];
  }

  /**
   * Deletes runs, their stored metrics (by cascade) and their checkpoint files. All or nothing: an
   * unknown id or an unfinished run refuses the whole request, so nothing is half-deleted.
   */
  deleteRuns(ids: readonly string[]): RunDeleteResult {
    const unique = [...new Set(ids)];
    const runs = unique.map((id) => this.runs.get(id));
    const active = runs.filter((r) => ACTIVE_STATUSES.includes(r.status));
    if (active.length > 0) {
      throw new AppError(
        'conflict',
        `Cannot delete ${active.map((r) => `${r.id} (${r.name}${this.runs.ownerText(r.id)})`).join(', ')}: ${active.length === 1 ? 'it is' : 'they are'} ${active[0].status}. Cancel ${active.length === 1 ? 'it' : 'them'} first, then delete.`,
      );
    }
    const adhocBefore = new Set(this.comparisons.list().filter((c) => c.kind === 'adhoc').map((c) => c.id));
    this.repo.deleteRuns(unique);
    const adhocAfter = new Set(this.comparisons.list().filter((c) => c.kind === 'adhoc').map((c) => c.id));
    let checkpointsRemoved = 0;
    for (const id of unique) {
      // Only ever a folder named after the run id under the checkpoint root (ids are generated, never user text).
      if (!/^[\w-]+$/.test(id)) continue;
      try {
        rmSync(join(this.checkpointRoot, id), { recursive: true, force: false });
        checkpointsRemoved += 1;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return { deleted: unique, checkpointsRemoved, comparisonsRemoved: [...adhocBefore].filter((id) => !adhocAfter.has(id)) };
  }

  renameComparison(id: string, name: string | null): ComparisonSummary {
    this.comparisons.get(id);
    this.repo.renameComparison(id, name);
    return this.comparisons.get(id);
  }

  deleteComparison(id: string, deleteRuns = false): { deleted: string; runs: RunDeleteResult | null } {
    const c = this.comparisons.get(id);
    if (c.status === 'running') throw new AppError('conflict', `Comparison ${id} is still running; cancel its runs first, then delete it.`);
    // An ad-hoc comparison only borrows its runs: they belong to the history or to another comparison.
    const ownRuns = c.kind === 'adhoc' ? [] : c.runIds;
    const runs = deleteRuns && ownRuns.length > 0 ? this.deleteRuns(ownRuns) : null;
    this.repo.deleteComparison(id);
    return { deleted: id, runs };
  }

  /** An ad-hoc comparison of finished runs: arms by loss (or by setting), paired by seed where possible. */
  createAdhoc(runIds: readonly string[], name?: string): ComparisonSummary {
    const unique = [...new Set(runIds)];
    if (unique.length < 2) throw new AppError('invalid_request', 'An ad-hoc comparison needs at least 2 different runs.');
    const runs = unique.map((id) => this.runs.get(id));
    const plan = planAdhoc(runs, (datasetId) => {
      const d = this.datasets.get(datasetId);
      return { name: d.name, task: d.task ?? 'classification' };
    });
    const failed = runs.some((r) => r.status !== 'completed');
    const id = newId('c');
    this.repo.insertAdhoc(
      {
        id,
        datasetId: runs[0].datasetId,
        seeds: [...new Set(plan.assignments.map((a) => a.seed))].sort((a, b) => a - b),
        config: plan.config,
        // Made of finished runs, so it is born finished; "failed" says some run has no values.
        status: failed ? 'failed' : 'completed',
        createdAt: new Date().toISOString(),
        name: name ?? null,
      },
      plan.assignments,
    );
    return this.comparisons.get(id);
  }
}

import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { ComparisonSummary, RunSummary } from '../../shared/schemas';
import type { RunFilter } from '../../shared/history';
import { SELECT_RUNS, toSummary, type RunRecord } from './runs-repo';

/** LIKE pattern matching `text` anywhere, with LIKE's own wildcards in it taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * What the history view edits (migration 004): run names and tags, search, deletion, comparison
 * names and ad-hoc comparisons. Deleting a run relies on the schema's ON DELETE CASCADE for its
 * metrics, evaluations, predictions, utility, tags and ad-hoc memberships.
 */
export class RunHistoryRepo {
  constructor(private readonly db: Database.Database) {}

  /** Runs matching every given filter, newest first, with their tags. */
  search(filter: RunFilter): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.text?.trim()) {
      const like = containsPattern(filter.text.trim());
      where.push(
        `(runs.name LIKE ? ESCAPE '\\' OR runs.id LIKE ? ESCAPE '\\' OR datasets.name LIKE ? ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.tag LIKE ? ESCAPE '\\'))`,
      );
      params.push(like, like, like, like);
    }
    if (filter.status) (where.push('runs.status = ?'), params.push(filter.status));
    if (filter.loss) (where.push('runs.loss = ?'), params.push(filter.loss));
    if (filter.datasetId) (where.push('runs.dataset_id = ?'), params.push(filter.datasetId));
    if (filter.backend) (where.push('runs.backend = ?'), params.push(filter.backend));
    // An IN over the (tag, run_id) index: "runs tagged X" never scans every run.
    if (filter.tag) (where.push('runs.id IN (SELECT run_id FROM run_tags WHERE tag = ?)'), params.push(filter.tag));
    const sql = `${SELECT_RUNS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY runs.created_at DESC, runs.id`;
    const runs = (this.db.prepare(sql).all(...params) as RunRecord[]).map(toSummary);
    return this.withTags(runs);
  }

  withTags(runs: RunSummary[]): RunSummary[] {
    if (runs.length === 0) return runs;
    const tags = new Map<string, string[]>();
    const rows = this.db
      .prepare('SELECT run_id, tag FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY tag')
      .all(JSON.stringify(runs.map((r) => r.id))) as Array<{ run_id: string; tag: string }>;
    for (const r of rows) tags.set(r.run_id, [...(tags.get(r.run_id) ?? []), r.tag]);
    return runs.map((run) => ({ ...run, tags: tags.get(run.id) ?? [] }));
  }

  /** Every tag in use, with how many runs carry it (for the filter menu). */
  tagCounts(): Array<{ tag: string; runs: number }> {
    return this.db.prepare('SELECT tag, COUNT(*) AS runs FROM run_tags GROUP BY tag ORDER BY tag').all() as Array<{ tag: string; runs: number }>;
  }

  /** The checkpoint file the run recorded last (resume continues from it), or null. */
  checkpointPath(runId: string): string | null {
    const row = this.db.prepare('SELECT checkpoint_path AS path FROM runs WHERE id = ?').get(runId) as { path: string | null } | undefined;
    return row?.path ?? null;
  }

  rename(runId: string, name: string): void {
    this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, runId);
  }

  setTags(runId: string, tags: readonly string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(runId);
      const insert = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
      for (const tag of tags) insert.run(runId, tag);
    })();
  }

  deleteRuns(ids: readonly string[]): void {
    this.db.transaction(() => {
      // Checked again inside the transaction: another process may have started one of them since
      // the service looked, and a run that trains must never lose its rows under it.
      const del = this.db.prepare("DELETE FROM runs WHERE id = ? AND status NOT IN ('queued', 'running', 'paused')");
      for (const id of ids) {
        if (del.run(id).changes === 0) throw new AppError('conflict', `Cannot delete run ${id}: it is training (or was deleted) in another Comparo process.`);
      }
      // An ad-hoc comparison left with fewer than two runs compares nothing any more.
      this.db.exec(`DELETE FROM comparisons WHERE kind = 'adhoc' AND (SELECT COUNT(*) FROM comparison_runs cr WHERE cr.comparison_id = comparisons.id) < 2`);
    })();
  }

  renameComparison(id: string, name: string | null): void {
    this.db.prepare('UPDATE comparisons SET name = ? WHERE id = ?').run(name, id);
  }

  /** Deletes a comparison; its seeded runs stay in the history as single runs (the service deletes them first when asked). */
  deleteComparison(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE runs SET comparison_id = NULL WHERE comparison_id = ?').run(id);
      this.db.prepare('DELETE FROM comparisons WHERE id = ?').run(id);
    })();
  }

  insertAdhoc(c: Omit<ComparisonSummary, 'runIds'>, assignments: ReadonlyArray<{ runId: string; arm: string; seed: number }>): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at, finished_at, name, kind)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'adhoc')`,
        )
        .run(c.id, c.datasetId, JSON.stringify(c.seeds), JSON.stringify(c.config), c.status, c.createdAt, c.createdAt, c.name ?? null);
      const insert = this.db.prepare('INSERT INTO comparison_runs (comparison_id, run_id, arm, seed) VALUES (?, ?, ?, ?)');
      for (const a of assignments) insert.run(c.id, a.runId, a.arm, a.seed);
    })();
  }
}

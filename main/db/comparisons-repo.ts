import type Database from 'better-sqlite3';
import { RunConfigSchema, type ComparisonSummary } from '../../shared/schemas';

interface ComparisonRecord {
  id: string;
  dataset_id: string;
  seeds_json: string;
  config_json: string;
  status: ComparisonSummary['status'];
  created_at: string;
  name: string | null;
  kind: 'seeded' | 'adhoc';
}

export class ComparisonsRepo {
  constructor(private readonly db: Database.Database) {}

  insert(c: Omit<ComparisonSummary, 'runIds'>): void {
    this.db
      .prepare(
        `INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.datasetId, JSON.stringify(c.seeds), JSON.stringify(c.config), c.status, c.createdAt);
  }

  /** A seeded comparison's seeds after seeds were added (main/services/comparison-service.ts addSeeds). */
  setSeeds(id: string, seeds: readonly number[]): void {
    this.db.prepare('UPDATE comparisons SET seeds_json = ? WHERE id = ?').run(JSON.stringify(seeds), id);
  }

  setStatus(id: string, status: ComparisonSummary['status']): void {
    const finished = status === 'running' ? null : new Date().toISOString();
    this.db.prepare('UPDATE comparisons SET status = ?, finished_at = ? WHERE id = ?').run(status, finished, id);
  }

  get(id: string): ComparisonSummary | undefined {
    const rec = this.db.prepare('SELECT * FROM comparisons WHERE id = ?').get(id) as ComparisonRecord | undefined;
    return rec && this.toSummary(rec);
  }

  list(): ComparisonSummary[] {
    return (this.db.prepare('SELECT * FROM comparisons ORDER BY created_at DESC').all() as ComparisonRecord[]).map((r) =>
      this.toSummary(r),
    );
  }

  /** The arm and seed of each run of an ad-hoc comparison (migration 004). */
  adhocAssignments(id: string): Array<{ runId: string; arm: 'baseline' | 'comparative'; seed: number }> {
    return this.db
      .prepare('SELECT run_id AS runId, arm, seed FROM comparison_runs WHERE comparison_id = ? ORDER BY seed, arm, run_id')
      .all(id) as Array<{ runId: string; arm: 'baseline' | 'comparative'; seed: number }>;
  }

  private toSummary(rec: ComparisonRecord): ComparisonSummary {
    // Seeded comparisons own their runs (runs.comparison_id); ad-hoc ones list them in comparison_runs.
    const runIds = (
      rec.kind === 'adhoc'
        ? this.adhocAssignments(rec.id).map((a) => ({ id: a.runId }))
        : (this.db.prepare('SELECT id FROM runs WHERE comparison_id = ? ORDER BY seed, loss').all(rec.id) as Array<{ id: string }>)
    ).map((r) => r.id);
    return {
      id: rec.id,
      datasetId: rec.dataset_id,
      seeds: JSON.parse(rec.seeds_json) as number[],
      config: RunConfigSchema.parse(JSON.parse(rec.config_json)),
      status: rec.status,
      runIds,
      createdAt: rec.created_at,
      name: rec.name,
      kind: rec.kind,
    };
  }
}

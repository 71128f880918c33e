import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../shared/schemas';

export interface MetricRow extends MetricPoint {
  runId: string;
}

export class MetricsRepo {
  private readonly insertStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare('INSERT INTO metrics (run_id, step, epoch, split, name, value) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** One transaction per batch: thousands of points cost one fsync, not thousands. */
  insertMany(rows: readonly MetricRow[]): void {
    if (rows.length === 0) return;
    this.db.transaction(() => {
      for (const r of rows) this.insertStmt.run(r.runId, r.step, r.epoch, r.split, r.name, r.value);
    })();
  }

  /** One split's points (the index on run, split, name, step serves it): validation curves skip the per-step train rows. */
  forRunSplit(runId: string, split: MetricPoint['split']): MetricPoint[] {
    return this.db
      .prepare('SELECT step, epoch, split, name, value FROM metrics WHERE run_id = ? AND split = ? ORDER BY name, step')
      .all(runId, split) as MetricPoint[];
  }

  forRun(runId: string): MetricPoint[] {
    return this.db
      .prepare('SELECT step, epoch, split, name, value FROM metrics WHERE run_id = ? ORDER BY split, name, step')
      .all(runId) as MetricPoint[];
  }
}

import type Database from 'better-sqlite3';
import type { EvalSplit, EvaluationDetail, PredictionRow, UtilityPoint } from '../../shared/schemas';
import type { ClassScores, ExamplePrediction, UtilityLevel } from '../training/protocol';

/**
 * Per-evaluation detail (per-class scores, confusion, predictions) and neuronal utility of runs.
 * Evaluations are keyed by split and step: validation at every evaluation, test once, at the
 * selected checkpoint's step (migration 006).
 */
export class EvaluationsRepo {
  constructor(private readonly db: Database.Database) {}

  insertEvaluation(
    runId: string,
    e: {
      step: number;
      epoch: number;
      split?: EvalSplit;
      best?: boolean;
      perClass?: ClassScores[];
      confusion?: number[][];
      predictions?: ExamplePrediction[];
      trainingMs?: number;
    },
  ): void {
    const split = e.split ?? 'validation';
    // Only a validation evaluation can be the selected checkpoint.
    const best = split === 'validation' && e.best === true;
    const insertPrediction = this.db.prepare(
      'INSERT OR REPLACE INTO predictions (run_id, split, step, example_index, predicted, gold, confidence, answer, f1, answer_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      if (best) this.db.prepare("UPDATE evaluations SET is_best = 0 WHERE run_id = ? AND split = 'validation'").run(runId);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO evaluations (run_id, split, step, epoch, is_best, per_class_json, confusion_json, training_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, split, e.step, e.epoch, best ? 1 : 0, JSON.stringify(e.perClass ?? []), JSON.stringify(e.confusion ?? []), e.trainingMs ?? null);
      for (const p of e.predictions ?? []) insertPrediction.run(runId, split, e.step, p.index, p.predicted, p.gold, p.confidence, p.answer ?? null, p.f1 ?? null, p.answerStart ?? null);
      if (best) this.db.prepare('UPDATE runs SET best_step = ? WHERE id = ?').run(e.step, runId);
    })();
  }

  /** Every evaluation of a run: validation ones in step order, then the test one (if any). */
  evaluations(runId: string): EvaluationDetail[] {
    const rows = this.db
      .prepare("SELECT split, step, epoch, is_best, per_class_json, confusion_json FROM evaluations WHERE run_id = ? ORDER BY split = 'test', step")
      .all(runId) as Array<{ split: EvalSplit; step: number; epoch: number; is_best: number; per_class_json: string; confusion_json: string }>;
    return rows.map((r) => ({
      step: r.step,
      epoch: r.epoch,
      split: r.split,
      best: r.is_best === 1,
      perClass: JSON.parse(r.per_class_json),
      confusion: JSON.parse(r.confusion_json),
    }));
  }

  /** Training ms at each evaluation (null where not stored), in step order. */
  trainingTimes(runId: string): Array<{ step: number; trainingMs: number | null }> {
    return this.db
      .prepare("SELECT step, training_ms AS trainingMs FROM evaluations WHERE run_id = ? AND split = 'validation' ORDER BY step")
      .all(runId) as Array<{ step: number; trainingMs: number | null }>;
  }

  /** Predictions of one evaluation on `split`; that split's last evaluation when `step` is omitted. */
  predictions(runId: string, step?: number, split: EvalSplit = 'validation'): { step: number | null; split: EvalSplit; rows: PredictionRow[] } {
    const at =
      step ??
      (this.db.prepare('SELECT MAX(step) AS s FROM predictions WHERE run_id = ? AND split = ?').get(runId, split) as { s: number | null }).s;
    if (at === null || at === undefined) return { step: null, split, rows: [] };
    const rows = this.db
      .prepare('SELECT example_index AS "index", predicted, gold, confidence, answer, f1, answer_start AS answerStart FROM predictions WHERE run_id = ? AND split = ? AND step = ? ORDER BY example_index')
      .all(runId, split, at) as Array<PredictionRow & { answer: string | null; f1: number | null; answerStart: number | null }>;
    // Only answer rows carry the two QA fields: every other task keeps the row shape it always had.
    for (const row of rows) {
      if (row.answer === null) delete (row as { answer?: string | null }).answer;
      if (row.f1 === null) delete (row as { f1?: number | null }).f1;
      if (row.answerStart === null) delete (row as { answerStart?: number | null }).answerStart;
    }
    return { step: at, split, rows };
  }

  replaceUtility(runId: string, kind: 'drop' | 'crop', levels: UtilityLevel[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM utility WHERE run_id = ? AND kind = ?').run(runId, kind);
      const insert = this.db.prepare('INSERT INTO utility (run_id, kind, k, rate, metrics_json) VALUES (?, ?, ?, ?, ?)');
      for (const l of levels) insert.run(runId, kind, l.k, l.rate, JSON.stringify(l.metrics));
    })();
  }

  utility(runId: string): UtilityPoint[] {
    const rows = this.db
      .prepare('SELECT kind, k, rate, metrics_json FROM utility WHERE run_id = ? ORDER BY kind, k')
      .all(runId) as Array<{ kind: 'drop' | 'crop'; k: number; rate: number; metrics_json: string }>;
    return rows.map((r) => ({ kind: r.kind, k: r.k, rate: r.rate, metrics: JSON.parse(r.metrics_json) }));
  }

  /**
   * Resuming from a checkpoint at `step`: what was logged after it will be logged again, and the
   * end-of-run numbers (test score, utility) are measured again at the new end.
   */
  deleteAfterStep(runId: string, step: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM metrics WHERE run_id = ? AND (step > ? OR split = 'test')").run(runId, step);
      this.db.prepare("DELETE FROM evaluations WHERE run_id = ? AND (step > ? OR split = 'test')").run(runId, step);
      this.db.prepare("DELETE FROM predictions WHERE run_id = ? AND (step > ? OR split = 'test')").run(runId, step);
      this.db.prepare('DELETE FROM utility WHERE run_id = ?').run(runId);
    })();
  }
}

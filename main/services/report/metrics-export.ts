// The comparison's numbers as data: JSON (everything the report shows, machine-readable) and CSV
// (one row per run x final metric, for spreadsheets and pandas). CSV quoting is papaparse's
// unparse (RFC 4180): names with commas, quotes or newlines survive the round trip.
import Papa from 'papaparse';
import type { ReportData } from './report-data';

export function metricsJson(data: ReportData): string {
  const { comparison, table } = data.detail;
  const d = data.dataset;
  return (
    JSON.stringify(
      {
        comparison,
        dataset: { id: d.id, name: d.name, fileName: d.fileName, contentHash: d.contentHash, rows: d.rows, splits: d.splits, labels: d.labels, task: d.task ?? 'classification' },
        runs: data.runDetails.map(({ run }) => ({
          id: run.id,
          name: run.name,
          arm: data.arms.get(run.id) ?? run.loss,
          loss: run.loss,
          seed: run.seed,
          status: run.status,
          backend: run.backend,
          tags: run.tags ?? [],
          config: run.config,
          finalMetrics: run.finalMetrics,
        })),
        table,
        // Which split the table is on: older comparisons without one are validation.
        headline: data.detail.headline ?? { split: 'validation', examples: d.splits.validation, checkpoint: 'selected' },
        generatedAt: data.generatedAt,
        appVersion: data.appVersion,
      },
      null,
      2,
    ) + '\n'
  );
}

export const CSV_COLUMNS = ['comparison_id', 'run_id', 'run_name', 'arm', 'loss', 'seed', 'status', 'backend', 'dataset', 'data_hash', 'metric', 'value'] as const;

export function metricsCsv(data: ReportData): string {
  const rows = data.runDetails.flatMap(({ run }) =>
    Object.entries(run.finalMetrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([metric, value]) => [
        data.detail.comparison.id,
        run.id,
        run.name,
        data.arms.get(run.id) ?? run.loss,
        run.loss,
        run.seed,
        run.status,
        run.backend ?? '',
        data.dataset.name,
        data.dataset.contentHash,
        metric,
        value,
      ]),
  );
  // CRLF as RFC 4180 says; escapeFormulae keeps a name like "=HYPERLINK(...)" from running in a spreadsheet.
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: '\r\n', escapeFormulae: true }) + '\r\n';
}

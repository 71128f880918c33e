// Reports of a comparison: the self-contained HTML page, and the metrics as JSON and CSV.
import type { ReportFile, ReportFormat } from '../../../shared/history';
import type { ComparisonAnalysisService } from '../comparison-analysis-service';
import type { ComparisonService } from '../comparison-service';
import type { DatasetService } from '../dataset-service';
import type { HistoryService } from '../history-service';
import type { RunService } from '../run-service';
import { renderHtmlReport } from './html-report';
import { metricsCsv, metricsJson } from './metrics-export';
import { reportFileStem, type ReportData } from './report-data';

const MIME: Record<ReportFormat, string> = { html: 'text/html;charset=utf-8', json: 'application/json', csv: 'text/csv;charset=utf-8' };

export class ReportService {
  constructor(
    private readonly comparisons: ComparisonService,
    private readonly runs: RunService,
    private readonly datasets: DatasetService,
    private readonly history: HistoryService,
    private readonly appVersion: string,
    /** The app's own per-class / confusion / scatter / examples answer, so the report shows what the views show. */
    private readonly analysis: Pick<ComparisonAnalysisService, 'evaluationViews'>,
  ) {}

  data(comparisonId: string): ReportData {
    const detail = this.comparisons.detail(comparisonId);
    const tagged = new Map(this.history.search({}).map((r) => [r.id, r.tags ?? []]));
    const runDetails = detail.runs.map((r) => {
      const d = this.runs.detail(r.id);
      return { ...d, run: { ...d.run, tags: tagged.get(r.id) ?? [] } };
    });
    return {
      detail,
      dataset: this.datasets.get(detail.comparison.datasetId),
      runDetails,
      arms: this.comparisons.arms(comparisonId),
      views: this.analysis.evaluationViews(comparisonId),
      generatedAt: new Date().toISOString(),
      appVersion: this.appVersion,
    };
  }

  buildHtmlReport(comparisonId: string): string {
    return renderHtmlReport(this.data(comparisonId));
  }

  metricsJson(comparisonId: string): string {
    return metricsJson(this.data(comparisonId));
  }

  metricsCsv(comparisonId: string): string {
    return metricsCsv(this.data(comparisonId));
  }

  report(comparisonId: string, format: ReportFormat): ReportFile {
    const data = this.data(comparisonId);
    const content = format === 'html' ? renderHtmlReport(data) : format === 'json' ? metricsJson(data) : metricsCsv(data);
    return { fileName: `${reportFileStem(data)}.${format}`, mimeType: MIME[format], content };
  }
}

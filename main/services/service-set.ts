import type { AppInfo } from '../../shared/app-info';
import type { ComparisonAnalysisService } from './comparison-analysis-service';
import type { ComparisonService } from './comparison-service';
import type { DatasetService } from './dataset-service';
import type { ModelService } from './model-service';
import type { ExportService } from './export-service';
import type { HistoryService } from './history-service';
import type { ReportService } from './report/report-service';
import type { PredictService } from './predict-service';
import type { PlacementService } from './placement-service';
import type { PretrainService } from './pretrain-service';
import type { Preset } from './presets';
import type { RunService } from './run-service';
import type { TimeEstimator } from './time-estimate';

/** What the channel handlers reach: the services of one data folder. */
export interface ServiceSet {
  datasets: DatasetService;
  runs: RunService;
  comparisons: ComparisonService;
  history: HistoryService;
  reports: ReportService;
  analysis: ComparisonAnalysisService;
  predictions: PredictService;
  models: ModelService;
  pretraining: PretrainService;
  placement: PlacementService;
  exports: ExportService;
  preset: Preset;
  estimates: TimeEstimator;
  info(): AppInfo;
}

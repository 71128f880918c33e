import type { AppInfo } from '../../shared/schemas';
import type { ComparisonService } from './comparison-service';
import type { DatasetService } from './dataset-service';
import type { Preset } from './presets';
import type { RunService } from './run-service';

/** What the channel handlers reach: the services of one data folder. */
export interface ServiceSet {
  datasets: DatasetService;
  runs: RunService;
  comparisons: ComparisonService;
  preset: Preset;
  info(): AppInfo;
}

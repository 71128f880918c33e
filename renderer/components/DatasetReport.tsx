// The stored validation report of a dataset, under its preview (absent for older datasets).
import { useApiQuery } from '../lib/useApiQuery';
import { ValidationReportPanel } from './ValidationReportPanel';

export function DatasetReport({ datasetId }: { datasetId: string }) {
  const report = useApiQuery('datasets.report', { id: datasetId });
  return report.data ? <ValidationReportPanel report={report.data} /> : null;
}

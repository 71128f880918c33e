// One metric, both arms: the mean over seeds as a solid line and the min–max across seeds as a
// shaded band, so a difference between arms can be read against the spread between seeds.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { MeanBandCurve } from '../../../shared/comparison-analysis';
import { armColor } from '../../lib/colors';
import { LineChart, type ChartSeries } from '../LineChart';

interface MeanBandChartProps {
  title: string;
  curves: MeanBandCurve[];
  armLabels: { baseline: string; comparative: string };
  xLabel: string;
  yLabel: string;
  testId: string;
  emptyText?: string;
  continuousX?: boolean;
  xValue?: (value: number) => string;
  height?: number;
}

/** #rrggbb with an alpha, for band fills that let the other arm's band show through. */
function translucent(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function MeanBandChart({ title, curves, armLabels, xLabel, yLabel, testId, emptyText, continuousX, xValue, height }: MeanBandChartProps) {
  const { series, data, bands } = useMemo(() => {
    const xs = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
    const chartSeries: ChartSeries[] = [];
    const columns: Array<Array<number | null>> = [];
    const chartBands: Array<{ upper: number; lower: number; fill: string }> = [];
    for (const curve of curves) {
      const color = armColor(curve.arm);
      const at = (values: number[]) => xs.map((x) => {
        const i = curve.x.indexOf(x);
        return i < 0 ? null : values[i];
      });
      const label = armLabels[curve.arm];
      const base = chartSeries.length;
      chartSeries.push({ label: `${label} · mean`, color, width: 2.5 });
      chartSeries.push({ label: `${label} · max`, color: translucent(color, 0.45), width: 1, points: false });
      chartSeries.push({ label: `${label} · min`, color: translucent(color, 0.45), width: 1, points: false });
      columns.push(at(curve.mean), at(curve.upper), at(curve.lower));
      chartBands.push({ upper: base + 1, lower: base + 2, fill: translucent(color, 0.15) });
    }
    return { series: chartSeries, data: [xs, ...columns] as uPlot.AlignedData, bands: chartBands };
  }, [curves, armLabels]);
  return (
    <LineChart
      title={title}
      series={series}
      data={data}
      bands={bands}
      xLabel={xLabel}
      yLabel={yLabel}
      testId={testId}
      emptyText={emptyText}
      continuousX={continuousX}
      xValue={xValue}
      height={height ?? 240}
    />
  );
}

// A thin React wrapper around uPlot: the chart is rebuilt when its series change (labels, colours,
// theme) and only fed new data otherwise, which keeps live updates cheap.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** Dots on each value; off for dense per-step curves, where they only add noise. */
  points?: boolean;
}

interface LineChartProps {
  title: string;
  series: ChartSeries[];
  /** [xs, ...one array per series], as built by alignSeries. */
  data: uPlot.AlignedData;
  xLabel?: string;
  yLabel?: string;
  height?: number;
  emptyText?: string;
  testId?: string;
  /** Shaded areas between two series (indices into `series`), e.g. a min–max band around a mean. */
  bands?: Array<{ upper: number; lower: number; fill: string }>;
  /** x is not an optimizer step (seconds, FLOPs): let uPlot pick fractional ticks. */
  continuousX?: boolean;
  /** Tick text of the x axis (e.g. 1.2e12 as "1.2 T"). */
  xValue?: (value: number) => string;
}

function usePrefersDark(): boolean {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => window.matchMedia?.(query).matches ?? false);
  useEffect(() => {
    const media = window.matchMedia?.(query);
    if (!media) return;
    const onChange = () => setDark(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return dark;
}

/** x is an optimizer step: whole numbers only, never "2.5". */
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000, 100_000];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function buildOptions(props: LineChartProps, width: number): uPlot.Options {
  const axisColor = cssVar('--chart-axis', '#666');
  const gridColor = cssVar('--chart-grid', 'rgba(128,128,128,0.2)');
  const axis = (label: string | undefined): uPlot.Axis => ({
    stroke: axisColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
    label,
    labelSize: label ? 20 : 0,
  });
  return {
    width,
    height: props.height ?? 240,
    scales: { x: { time: false } },
    series: [
      { label: props.xLabel ?? 'step' },
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        dash: s.dash,
        width: s.width ?? 1.5,
        spanGaps: true,
        ...(s.points === false ? { points: { show: false } } : {}),
      })),
    ],
    axes: [
      {
        ...axis(props.xLabel),
        ...(props.continuousX ? {} : { incrs: STEP_INCREMENTS }),
        ...(props.xValue ? { values: (_: uPlot, splits: number[]) => splits.map(props.xValue!) } : {}),
      },
      axis(props.yLabel),
    ],
    ...(props.bands ? { bands: props.bands.map((b) => ({ series: [b.upper + 1, b.lower + 1] as [number, number], fill: b.fill })) } : {}),
    cursor: { drag: { x: true, y: false } },
  };
}

export function LineChart(props: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = usePrefersDark();
  const seriesKey = JSON.stringify([props.series, props.bands ?? null, props.continuousX ?? false]) + (dark ? 'dark' : 'light') + (props.height ?? '');
  const latestData = useRef(props.data);
  latestData.current = props.data;
  const latestProps = useRef(props);
  latestProps.current = props;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(buildOptions(latestProps.current, Math.max(element.clientWidth, 200)), latestData.current, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200);
      if (width !== chart.width) chart.setSize({ width, height: latestProps.current.height ?? 240 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [seriesKey]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  const empty = props.data[0].length === 0;
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div className="chart-body">
        {/* uPlot owns this element's children; React never renders into it. */}
        <div className="chart-canvas" ref={container} />
        {empty && <p className="chart-empty">{props.emptyText ?? 'No data yet.'}</p>}
      </div>
    </figure>
  );
}

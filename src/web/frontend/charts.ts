/** The live charts: the same definitions as report.html, drawn with uPlot and appended to each second. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  CHART_COLORS,
  CHARTS,
  type ChartKey,
  type ChartPoint,
  monitorChartGroup,
  monitorChartId,
} from '../../report/charts.ts';

/** A drawn chart: how each of its series reads a point. */
interface Plot {
  readonly plot: uPlot;
  readonly el: HTMLElement;
  readonly values: readonly ((p: ChartPoint) => number | null)[];
}

/** A `--monitor` chart: one source, one unit, the series seen so far. */
interface MonitorPlot extends Plot {
  readonly series: readonly string[];
}

export class LiveCharts {
  private points: ChartPoint[] = [];
  private readonly plots: Plot[] = [];
  /** Target charts (`--monitor`), made when a source's series first arrive. */
  private readonly monitorPlots = new Map<string, MonitorPlot>();
  private readonly container: HTMLElement;

  constructor(container: HTMLElement) {
    this.container = container;
    for (const chart of CHARTS) {
      const keys: readonly ChartKey[] = chart.series.map(([key]) => key);
      this.plots.push(
        this.draw(
          chart.id,
          `${chart.title} (${chart.unit})`,
          chart.unit,
          chart.series.map(([, label]) => label),
          keys.map((key) => (p: ChartPoint) => p[key]),
        ),
      );
    }
    window.addEventListener('resize', () => {
      for (const { plot } of [...this.plots, ...this.monitorPlots.values()])
        plot.setSize({ width: chartWidth(container), height: 220 });
    });
  }

  private draw(
    id: string,
    title: string,
    unit: string,
    labels: readonly string[],
    values: Plot['values'],
    before?: HTMLElement,
  ): Plot {
    const box = document.createElement('div');
    box.className = 'chart';
    box.id = `chart-${id}`;
    box.dataset.points = '0';
    const heading = document.createElement('h3');
    heading.textContent = title;
    box.append(heading);
    if (before === undefined) this.container.append(box);
    else before.replaceWith(box);
    const plot = new uPlot(
      {
        width: chartWidth(this.container),
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: 'elapsed (s)' }, { label: unit }],
        series: [
          { label: 'elapsed (s)' },
          ...labels.map((label, i) => ({
            label,
            stroke: CHART_COLORS[i % CHART_COLORS.length] ?? '#555',
            width: 2,
            spanGaps: true,
          })),
        ],
      },
      [[], ...labels.map(() => [])],
      box,
    );
    return { plot, el: box, values };
  }

  /** A chart per source and unit for every `--monitor` series in the points (redrawn when one is added). */
  private monitorCharts(): void {
    const wanted = new Map<string, { title: string; unit: string; source: string; series: Set<string> }>();
    const sources: string[] = [];
    for (const p of this.points) {
      for (const [source, values] of Object.entries(p.monitor ?? {})) {
        if (!sources.includes(source)) sources.push(source);
        for (const series of Object.keys(values)) {
          const { group, unit } = monitorChartGroup(series);
          const id = monitorChartId(sources.indexOf(source), group);
          const chart = wanted.get(id) ?? {
            title: `Target ${source}: ${group} (${unit})`,
            unit,
            source,
            series: new Set(),
          };
          chart.series.add(series);
          wanted.set(id, chart);
        }
      }
    }
    for (const [id, chart] of wanted) {
      const series = [...chart.series];
      const drawn = this.monitorPlots.get(id);
      if (drawn !== undefined && drawn.series.join() === series.join()) continue;
      drawn?.plot.destroy();
      const values = series.map((name) => (p: ChartPoint) => {
        const v = p.monitor?.[chart.source]?.[name];
        return v === undefined ? null : v / monitorChartGroup(name).scale;
      });
      this.monitorPlots.set(id, {
        ...this.draw(id, chart.title, chart.unit, series, values, drawn?.el),
        series,
      });
    }
  }

  /** Keeps the first `from` points and appends the new ones (a reconnect resends from 0). */
  update(from: number, points: readonly ChartPoint[]): void {
    this.points.length = Math.min(from, this.points.length);
    this.points.push(...points);
    this.monitorCharts();
    const xs = this.points.map((p) => p.t);
    for (const { plot, el, values } of [...this.plots, ...this.monitorPlots.values()]) {
      const ys = values.map((value) => this.points.map(value));
      plot.setData([xs, ...ys] as uPlot.AlignedData);
      el.dataset.points = String(xs.length);
      // Charts of what a run does not have (controls, a monitor of the last run) are hidden.
      el.hidden = !ys.some((series) => series.some((y) => y !== null));
    }
  }

  clear(): void {
    this.update(0, []);
  }
}

function chartWidth(container: HTMLElement): number {
  const columns = container.clientWidth >= 1100 ? 2 : 1;
  return Math.max(320, Math.floor(container.clientWidth / columns) - 24);
}

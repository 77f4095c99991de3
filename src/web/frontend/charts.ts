/** The live charts: the same definitions as report.html, drawn with uPlot and appended to each second. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CHART_COLORS, CHARTS, type ChartPoint } from '../../report/charts.ts';

export class LiveCharts {
  private points: ChartPoint[] = [];
  private readonly plots: { plot: uPlot; el: HTMLElement; keys: readonly string[] }[] = [];

  constructor(container: HTMLElement) {
    for (const chart of CHARTS) {
      const box = document.createElement('div');
      box.className = 'chart';
      box.id = `chart-${chart.id}`;
      box.dataset.points = '0';
      const title = document.createElement('h3');
      title.textContent = `${chart.title} (${chart.unit})`;
      box.append(title);
      container.append(box);
      const plot = new uPlot(
        {
          width: chartWidth(container),
          height: 220,
          scales: { x: { time: false } },
          axes: [{ label: 'elapsed (s)' }, { label: chart.unit }],
          series: [
            { label: 'elapsed (s)' },
            ...chart.series.map(([, label], i) => ({
              label,
              stroke: CHART_COLORS[i] ?? '#555',
              width: 2,
              spanGaps: true,
            })),
          ],
        },
        [[], ...chart.series.map(() => [])],
        box,
      );
      this.plots.push({ plot, el: box, keys: chart.series.map(([key]) => key) });
    }
    window.addEventListener('resize', () => {
      for (const { plot } of this.plots) plot.setSize({ width: chartWidth(container), height: 220 });
    });
  }

  /** Keeps the first `from` points and appends the new ones (a reconnect resends from 0). */
  update(from: number, points: readonly ChartPoint[]): void {
    this.points.length = Math.min(from, this.points.length);
    this.points.push(...points);
    const xs = this.points.map((p) => p.t);
    for (const { plot, el, keys } of this.plots) {
      const ys = keys.map((key) => this.points.map((p) => p[key as keyof ChartPoint]));
      plot.setData([xs, ...ys] as uPlot.AlignedData);
      el.dataset.points = String(xs.length);
      // The client-side controls' charts only for runs that have controls (their points are null otherwise).
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

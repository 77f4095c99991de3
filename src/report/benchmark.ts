/**
 * The benchmark tables of docs/metrics.md (exact rows and columns), as data: report.md, the console
 * summary, report.html and `compare` all render these.
 */
import type { MetricsSummary } from '../metrics/types.ts';
import type { RunJson } from './types.ts';

export interface BenchmarkTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly values: readonly (number | null)[];
}

/** Whether the run measured the blocking empty-workflow QPS (the fourth table). */
export function isEmptyWorkflowQps(config: Record<string, unknown>): boolean {
  return (
    config.scenario === 'empty-qps' || (config.protocol === 'workflow' && config.responseMode === 'blocking')
  );
}

export function benchmarkTables(run: Pick<RunJson, 'config'> & MetricsSummary): BenchmarkTable[] {
  const ttfe = run.latency.ttfe;
  const tables: BenchmarkTable[] = [
    {
      title: 'Event Throughput (events/s)',
      columns: ['Max', 'Avg', 'Min'],
      values: [run.throughput.events.max, run.throughput.events.avg, run.throughput.events.min],
    },
    {
      title: 'TTFE — Time To First Event (ms)',
      columns: ['Avg', 'Min', 'Max', 'P50', 'P90', 'P95'],
      values:
        ttfe === undefined
          ? [null, null, null, null, null, null]
          : [ttfe.mean, ttfe.min, ttfe.max, ttfe.p50, ttfe.p90, ttfe.p95],
    },
    {
      title: 'Connections',
      columns: ['Max Concurrent', 'Avg Active'],
      values: [run.connections.maxConcurrent, run.connections.avgActive],
    },
  ];
  if (isEmptyWorkflowQps(run.config)) {
    tables.push({
      title: 'Empty Workflow QPS',
      columns: ['Max QPS', 'Avg QPS', 'Avg Duration (ms)'],
      values: [
        run.throughput.requests.max,
        run.throughput.requests.avg,
        run.latency.request_duration?.mean ?? null,
      ],
    });
  }
  return tables;
}

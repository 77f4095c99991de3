import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ERROR_NAMES } from '../metrics/names.ts';
import { createRecorder } from '../metrics/recorder.ts';
import { summarize } from '../metrics/summary.ts';
import { createTestClock } from '../metrics/test-clock.ts';
import type { MetricsSummary, RequestResult } from '../metrics/types.ts';
import { renderPrometheus } from './prometheus.ts';

const ok = (over: Partial<RequestResult> = {}): RequestResult => ({
  method: 'POST',
  name: '/v1/workflows/run',
  ok: true,
  durationMs: 120,
  contentBytes: 900,
  ttfbMs: 10,
  ttfeMs: 20,
  ttftMs: 30,
  stream: true,
  events: 9,
  tokens: 18,
  ...over,
});

function sampleSummary(): MetricsSummary & { histograms: Record<string, string> } {
  const recorder = createRecorder(createTestClock());
  try {
    recorder.streamOpened();
    for (let i = 0; i < 9; i++) recorder.event(100, i === 0 ? undefined : 5);
    recorder.streamClosed();
    recorder.request(ok());
    recorder.request(ok({ ttfeMs: 40, name: 'with "quotes"\\' }));
    recorder.request(ok({ ok: false, error: 'timeout', message: 'idle 30 s', stream: false, events: 0 }));
    recorder.request(ok({ ok: false, cancelled: true }));
    recorder.value('node_duration.LLM', 80);
    const snapshot = recorder.snapshot();
    return { ...summarize(snapshot), histograms: { ...snapshot.histograms } };
  } finally {
    recorder.close();
  }
}

describe('Prometheus exposition', () => {
  test('parses as Prometheus text: families typed, counters and summaries equal the summary', () => {
    const summary = sampleSummary();
    const text = renderPrometheus({
      summary,
      histograms: summary.histograms,
      users: 3,
      activeConnections: 2,
      running: true,
    });
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const value = (name: string) => Number(families.get(name)?.metrics[0]?.value);

    assert.equal(families.get('streamload_users')?.type, 'GAUGE');
    assert.equal(value('streamload_users'), 3);
    assert.equal(value('streamload_active_connections'), 2);
    assert.equal(value('streamload_running'), 1);
    assert.equal(families.get('streamload_events_total')?.type, 'COUNTER');
    assert.equal(value('streamload_events_total'), summary.totals.events);
    assert.equal(value('streamload_bytes_total'), summary.totals.bytes);
    assert.equal(value('streamload_streams_total'), summary.totals.streams);
    assert.equal(value('streamload_cancelled_total'), 1, 'cut by the tool: counted apart');
    assert.equal(families.get('streamload_good_requests_total')?.type, 'COUNTER');
    assert.equal(value('streamload_good_requests_total'), 2, 'the two successes (no --slo)');
    assert.ok(Math.abs(value('streamload_slo_attainment') - 2 / 3) < 1e-6, '2 good of 3 requests');

    const requests = families.get('streamload_requests_total')?.metrics ?? [];
    assert.equal(
      requests.reduce((sum, m) => sum + Number(m.value), 0),
      summary.totals.requests,
      'per-entry requests add up to the total (the Aggregated row is not exported)',
    );
    assert.ok(
      requests.some((m) => m.labels?.name === 'with "quotes"\\'),
      'label values are escaped',
    );

    const failures = families.get('streamload_failures_total')?.metrics ?? [];
    assert.equal(failures.length, ERROR_NAMES.length, 'one series per taxonomy name, zeros included');
    assert.equal(
      failures.reduce((sum, m) => sum + Number(m.value), 0),
      1,
      'the cancelled request is not a failure',
    );
    assert.equal(Number(failures.find((m) => m.labels?.error === 'timeout')?.value), 1);

    const ttfe = families.get('streamload_ttfe_exact_seconds');
    assert.equal(ttfe?.type, 'SUMMARY');
    const series = ttfe?.metrics[0];
    assert.equal(Number(series?.count), summary.latency.ttfe?.count);
    assert.ok(Math.abs(Number(series?.quantiles?.['0.5']) - (summary.latency.ttfe?.p50 ?? 0) / 1000) < 1e-6);
    assert.match(ttfe?.help ?? '', /first complete SSE event/);
    const node = families.get('streamload_node_duration_exact_seconds')?.metrics[0];
    assert.ok(Math.abs(Number(node?.quantiles?.['0.5']) - 0.08) < 0.0001, 'HDR keeps 3 significant digits');
    assert.match(text, /^streamload_node_duration_exact_seconds_count\{node="LLM"\} 1$/m);
  });

  test('latencies are histograms with cumulative buckets (histogram_quantile across workers)', () => {
    const summary = sampleSummary();
    const text = renderPrometheus({
      summary,
      histograms: summary.histograms,
      users: 0,
      activeConnections: 0,
      running: true,
    });
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const ttfe = families.get('streamload_ttfe_seconds');
    assert.equal(ttfe?.type, 'HISTOGRAM');
    // Four TTFEs (three of 20 ms, one of 40 ms): none ≤ 10 ms, three ≤ 25 ms, all ≤ 50 ms.
    assert.equal(summary.latency.ttfe?.count, 4);
    assert.match(text, /^streamload_ttfe_seconds_bucket\{le="0.01"\} 0$/m);
    assert.match(text, /^streamload_ttfe_seconds_bucket\{le="0.025"\} 3$/m);
    assert.match(text, /^streamload_ttfe_seconds_bucket\{le="0.05"\} 4$/m);
    assert.match(text, /^streamload_ttfe_seconds_bucket\{le="\+Inf"\} 4$/m);
    assert.match(text, /^streamload_ttfe_seconds_count 4$/m);
    assert.match(text, /^streamload_node_duration_seconds_bucket\{node="LLM",le="0.1"\} 1$/m);
    assert.match(text, /^streamload_events_per_stream_bucket\{le="5"\} 0$/m, 'counts get count buckets');
    assert.match(text, /^streamload_events_per_stream_bucket\{le="10"\} 2$/m);
    // Every family once, with its own HELP and TYPE before its samples.
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    assert.equal(new Set(types).size, types.length);
  });

  test('before any run: gauges at zero, counters present at zero, no summaries', () => {
    const text = renderPrometheus({ summary: undefined, users: 0, activeConnections: 0, running: false });
    const families = parsePrometheusTextFormat(text);
    assert.ok(families.some((f) => f.name === 'streamload_requests_total'));
    assert.equal(families.find((f) => f.name === 'streamload_events_total')?.metrics[0]?.value, '0');
    assert.ok(!families.some((f) => f.type === 'SUMMARY' || f.type === 'HISTOGRAM'));
  });
});

/**
 * deploy/grafana/streamload.json: importable (Grafana's __inputs for the data source), and every
 * panel's query names a metric that streamload's /metrics really exposes, rendered from a real
 * recorder's run (a renamed metric fails here, not on a user's empty dashboard).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
import { createTestClock } from '../../src/metrics/test-clock.ts';
import { renderPrometheus } from '../../src/web/prometheus.ts';

const dashboard = JSON.parse(
  readFileSync(new URL('../../deploy/grafana/streamload.json', import.meta.url), 'utf8'),
);

/** What /metrics serves after a run with streams, tokens, a failure and a cancelled request. */
function exposedNames(): Set<string> {
  const recorder = createRecorder(createTestClock());
  try {
    recorder.streamOpened();
    recorder.event(100, undefined);
    recorder.event(100, 5);
    recorder.streamClosed();
    const base = { method: 'POST', name: '/v1/chat/completions', durationMs: 200, contentBytes: 200 };
    const timings = { ttfbMs: 5, ttfeMs: 10, ttftMs: 50, tpotMs: 20, stream: true, events: 2, tokens: 8 };
    recorder.request({ ...base, ...timings, ok: true });
    recorder.request({ ...base, ...timings, ok: false, error: 'http_5xx', message: 'HTTP 503' });
    recorder.request({ ...base, ...timings, ok: false, cancelled: true });
    const snapshot = recorder.snapshot();
    const text = renderPrometheus({
      summary: summarize(snapshot),
      histograms: snapshot.histograms,
      users: 1,
      activeConnections: 0,
      running: true,
    });
    return new Set(
      text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split(/[{ ]/)[0] as string),
    );
  } finally {
    recorder.close();
  }
}

test('every panel query names a metric /metrics exposes; the dashboard imports with a data source input', () => {
  const exposed = exposedNames();
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
    p.targets.map((t) => t.expr),
  );
  assert.ok(exprs.length >= 8, `${exprs.length} queries`);
  const named = exprs.flatMap((e) => e.match(/streamload_[a-z_]+/g) ?? []);
  assert.deepEqual(
    named.filter((n) => !exposed.has(n)),
    [],
    `exposed: ${[...exposed].join(' ')}`,
  );
  for (const needed of ['streamload_users', 'streamload_ttft_seconds_bucket', 'streamload_failures_total'])
    assert.ok(named.includes(needed), `the dashboard shows ${needed}`);
  assert.equal(dashboard.__inputs[0].type, 'datasource');
  // Grafana fills `${DS_PROMETHEUS}` with the data source picked at import.
  const input = `\${${dashboard.__inputs[0].name}}`;
  assert.equal(input, '$' + '{DS_PROMETHEUS}');
  assert.ok(dashboard.panels.every((p: { datasource: { uid: string } }) => p.datasource.uid === input));
  // The job variable's query must name an exposed metric too.
  assert.ok(exposed.has('streamload_running'));
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_NAMES } from './names.ts';
import { createRecorder } from './recorder.ts';
import type { Recorder } from './recorder-api.ts';
import { AGGREGATED, encodedHistograms, summarize } from './summary.ts';
import { createTestClock } from './test-clock.ts';
import type { RequestResult } from './types.ts';

function withRecorder(fn: (r: Recorder, clock: ReturnType<typeof createTestClock>) => void): void {
  const clock = createTestClock();
  const recorder = createRecorder(clock);
  try {
    fn(recorder, clock);
  } finally {
    recorder.close();
  }
}

const ok = (
  method: string,
  name: string,
  durationMs: number,
  over: Partial<RequestResult> = {},
): RequestResult => ({
  method,
  name,
  ok: true,
  durationMs,
  contentBytes: 100,
  stream: false,
  events: 0,
  tokens: 0,
  ...over,
});

describe('connections from the gauge', () => {
  test('scripted: max concurrent is the true peak, avg active the time integral / elapsed', () => {
    withRecorder((r, clock) => {
      // 0–1 s: 2 open; at 1 s a third opens; at 2.5 s two close; the run ends at 4 s.
      r.streamOpened();
      r.streamOpened();
      clock.at(1000);
      r.streamOpened();
      clock.at(2500);
      r.streamClosed();
      r.streamClosed();
      clock.at(4000);
      const { connections, totals } = summarize(r.snapshot());
      // ∫ = 2·1 + 3·1.5 + 1·1.5 = 8 connection·s over 4 s.
      assert.deepEqual(connections, { maxConcurrent: 3, avgActive: 2, tcp: 0, http2: 0 });
      assert.equal(totals.streams, 3);
    });
  });

  test('a peak between two ticks still counts (no per-second sampling)', () => {
    withRecorder((r, clock) => {
      clock.at(200);
      for (let i = 0; i < 5; i++) r.streamOpened();
      clock.at(300);
      for (let i = 0; i < 5; i++) r.streamClosed();
      clock.at(1000);
      r.tick();
      const s = summarize(r.snapshot());
      assert.equal(s.connections.maxConcurrent, 5);
      assert.equal(s.connections.avgActive, 0.5); // 5 × 0.1 s over 1 s
      assert.equal(s.history[0]!.activeConnections, 0);
    });
  });
});

describe('per-second throughput', () => {
  test('rates over full rows only; a late tick is divided by its span; the closing partial second is left out', () => {
    withRecorder((r, clock) => {
      const events = (n: number): void => {
        for (let i = 0; i < n; i++) r.event(1, undefined);
      };
      events(100); // a full first second
      clock.at(1000);
      r.tick();
      events(300); // a tick delayed to 1.5 s: 300 events over 1.5 s = 200/s
      clock.at(2500);
      r.tick();
      events(50); // a full second
      clock.at(3500);
      r.tick();
      events(1); // the run stopped 200 ms into the next second: a 1-event row
      clock.at(3700);
      r.tick();
      const s = summarize(r.snapshot());
      assert.deepEqual(s.throughput.events, { max: 200, avg: (100 + 200 + 50) / 3, min: 50 });
      assert.equal(s.totals.events, 451); // the partial second still counts in the totals
      assert.equal(s.history.length, 4);
    });
  });

  test('a run shorter than one full second falls back to total / elapsed', () => {
    withRecorder((r, clock) => {
      r.request(ok('GET', '/a', 5));
      r.request(ok('GET', '/a', 5));
      clock.at(400);
      r.tick();
      const { requests } = summarize(r.snapshot()).throughput;
      assert.deepEqual(requests, { max: 5, avg: 5, min: 5 });
    });
  });

  test('no time at all: zeros', () => {
    withRecorder((r) => {
      const s = summarize(r.snapshot());
      assert.deepEqual(s.throughput.connections, { max: 0, avg: 0, min: 0 });
      assert.deepEqual(s.connections, { maxConcurrent: 0, avgActive: 0, tcp: 0, http2: 0 });
      assert.equal(s.error_rate, 0);
    });
  });

  test('connections throughput counts new streams per second', () => {
    withRecorder((r, clock) => {
      r.streamOpened();
      r.streamOpened();
      clock.at(1000);
      r.tick();
      r.streamOpened();
      clock.at(2000);
      r.tick();
      assert.deepEqual(summarize(r.snapshot()).throughput.connections, { max: 2, avg: 1.5, min: 1 });
    });
  });
});

describe('summary fields', () => {
  test('latency only for metrics with samples, in report order, ms vs counts; histograms have the same keys', () => {
    withRecorder((r) => {
      r.value('node_duration.LLM', 1.5);
      r.request(ok('POST', '/s', 1.9, { stream: true, events: 7, ttfeMs: 0.5, scheduleLagMs: 1 }));
      const snapshot = r.snapshot();
      const s = summarize(snapshot);
      assert.deepEqual(Object.keys(s.latency), [
        'ttfe',
        'request_duration',
        'ttfe_scheduled',
        'request_duration_scheduled',
        'events_per_stream',
        'bytes_per_stream',
        'tokens_per_stream',
        'node_duration.LLM',
      ]);
      assert.deepEqual(Object.keys(encodedHistograms(snapshot)), Object.keys(s.latency));
      assert.equal(s.latency['ttfe']!.p50, 0.5);
      assert.equal(s.latency['request_duration']!.max, 1.9);
      assert.equal(s.latency['events_per_stream']!.p99, 7);
      assert.equal(s.latency['node_duration.LLM']!.mean, 1.5);
    });
  });

  test('errors list every taxonomy name; error_rate; request table sorted with Aggregated last; failures by frequency', () => {
    withRecorder((r, clock) => {
      r.request(ok('POST', '/b', 1));
      r.request(ok('GET', '/b', 1, { contentBytes: 300 }));
      r.request(ok('GET', '/a', 1, { ok: false, error: 'timeout', message: 't' }));
      r.request(ok('GET', '/b', 1, { ok: false, error: 'http_4xx', message: '404' }));
      r.request(ok('GET', '/b', 1, { ok: false, error: 'http_4xx', message: '404 again' }));
      clock.at(2000);
      const s = summarize(r.snapshot());
      assert.deepEqual(Object.keys(s.errors), [...ERROR_NAMES]);
      assert.equal(s.errors.http_4xx, 2);
      assert.equal(s.errors.connection_error, 0);
      assert.deepEqual(s.errorSamples, { timeout: 't', http_4xx: '404' });
      assert.equal(s.error_rate, 3 / 5);
      assert.deepEqual(
        s.requests.map((e) => [e.method, e.name, e.requests, e.failures, e.avgContentBytes, e.rps]),
        [
          ['GET', '/a', 1, 1, 100, 0.5],
          ['GET', '/b', 3, 2, (300 + 100 + 100) / 3, 1.5],
          ['POST', '/b', 1, 0, 100, 0.5],
          ['', AGGREGATED, 5, 3, 700 / 5, 2.5],
        ],
      );
      assert.equal(s.requests.at(-1)!.duration.count, 5);
      assert.equal(s.requests.at(-1)!.failuresPerSec, 1.5);
      assert.deepEqual(
        s.failures.map((f) => [f.name, f.error, f.occurrences, f.message]),
        [
          ['/b', 'http_4xx', 2, '404'],
          ['/a', 'timeout', 1, 't'],
        ],
      );
      assert.equal(s.durationS, 2);
    });
  });

  test('generator: loop delay p50/p99/max and cpu avg/max over the run', () => {
    withRecorder((r, clock) => {
      const samples = [
        { loopDelayP50Ms: 1, loopDelayP99Ms: 10, loopDelayMaxMs: 20, cpu: 0.2 },
        { loopDelayP50Ms: 2, loopDelayP99Ms: 12, loopDelayMaxMs: 40, cpu: 0.4 },
        { loopDelayP50Ms: 1.5, loopDelayP99Ms: 11, loopDelayMaxMs: 15, cpu: 0.9 },
      ];
      for (const [i, sample] of samples.entries()) {
        r.generatorSample(sample);
        clock.at((i + 1) * 1000);
        r.tick();
      }
      const { generator, history } = summarize(r.snapshot());
      assert.equal(generator.loopDelay.p50, 1.5);
      assert.ok(Math.abs(generator.loopDelay.p99 - 12) <= 0.012);
      assert.equal(generator.loopDelay.max, 40);
      assert.ok(Math.abs(generator.cpu.avg - 0.5) < 1e-12);
      assert.equal(generator.cpu.max, 0.9);
      assert.deepEqual(
        history.map((row) => row.generator?.cpu),
        [0.2, 0.4, 0.9],
      );
      assert.equal('ttfeHistogram' in history[0]!, false); // merge-only fields stay out of run.json
    });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statsFromEncoded } from './histogram.ts';
import { createRecorder } from './recorder.ts';
import type { Recorder } from './recorder-api.ts';
import { createTestClock, TEST_WALL_START_MS } from './test-clock.ts';
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

/** HDR keeps 3 significant digits: a value comes back within 0.1%. */
function near(actual: number | null | undefined, expected: number, label = ''): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= expected * 0.001,
    `${label} ${actual} ≉ ${expected}`,
  );
}

const streamOk = (over: Partial<RequestResult> = {}): RequestResult => ({
  method: 'POST',
  name: '/v1/workflows/run',
  ok: true,
  durationMs: 120,
  contentBytes: 900,
  ttfbMs: 10,
  ttfeMs: 20,
  ttftMs: 30,
  tpotMs: 5,
  streamDurationMs: 95,
  stream: true,
  events: 9,
  tokens: 18,
  ...over,
});

describe('recorder counters', () => {
  test('event() counts events and bytes and records inter_event only when given', () => {
    withRecorder((r) => {
      r.event(100, undefined);
      r.event(50, 2.5);
      r.event(50, 3.5);
      const s = r.snapshot();
      assert.equal(s.totals.events, 3);
      assert.equal(s.totals.bytes, 200);
      const gaps = statsFromEncoded(s.histograms['inter_event']!, 'ms');
      assert.equal(gaps.count, 2);
      near(gaps.min, 2.5);
      near(gaps.max, 3.5);
    });
  });

  test('request() fills every latency present, counts per stream, entries and totals', () => {
    withRecorder((r) => {
      r.request(streamOk());
      r.request({ ...streamOk(), ttftMs: undefined, tpotMs: undefined, tokens: 0 });
      r.request({
        method: 'GET',
        name: '/health',
        ok: true,
        durationMs: 3,
        contentBytes: 40,
        stream: false,
        events: 0,
        tokens: 0,
      });
      const s = r.snapshot();
      assert.deepEqual(Object.keys(s.histograms).sort(), [
        'bytes_per_stream',
        'events_per_stream',
        'request_duration',
        'stream_duration',
        'tokens_per_stream',
        'tpot',
        'ttfb',
        'ttfe',
        'ttft',
      ]);
      assert.equal(statsFromEncoded(s.histograms['request_duration']!, 'ms').count, 3);
      assert.equal(statsFromEncoded(s.histograms['ttft']!, 'ms').count, 1);
      const perStream = statsFromEncoded(s.histograms['events_per_stream']!, 'count');
      assert.deepEqual([perStream.count, perStream.min], [2, 9]);
      assert.deepEqual(s.totals, {
        requests: 3,
        failures: 0,
        streams: 0,
        events: 0,
        bytes: 40,
        tokens: 18,
        good: 3,
        cancelled: 0,
      });
      assert.deepEqual(
        s.entries.map((e) => [e.method, e.name, e.requests, e.contentBytes]),
        [
          ['POST', '/v1/workflows/run', 2, 1800],
          ['GET', '/health', 1, 40],
        ],
      );
    });
  });

  test('open model: `<metric>_scheduled` = value + lag for ttfb, ttfe, ttft and request_duration', () => {
    withRecorder((r) => {
      r.request(streamOk({ scheduleLagMs: 1000 }));
      const h = r.snapshot().histograms;
      near(statsFromEncoded(h['ttfe_scheduled']!, 'ms').p50, 1020);
      near(statsFromEncoded(h['ttfb_scheduled']!, 'ms').p50, 1010);
      near(statsFromEncoded(h['ttft_scheduled']!, 'ms').p50, 1030);
      near(statsFromEncoded(h['request_duration_scheduled']!, 'ms').p50, 1120);
      near(statsFromEncoded(h['ttfe']!, 'ms').p50, 20);
      assert.equal(h['tpot_scheduled'], undefined);
      assert.equal(h['stream_duration_scheduled'], undefined);
    });
  });

  test('failures: counted once under their name, first message kept, grouped per (method, name, error)', () => {
    withRecorder((r) => {
      r.request(streamOk({ ok: false, error: 'http_5xx', message: '500 first' }));
      r.request(streamOk({ ok: false, error: 'http_5xx', message: '502 second' }));
      r.request(streamOk({ ok: false, error: 'timeout', message: 'idle 30s', name: '/other' }));
      r.request(streamOk());
      const s = r.snapshot();
      assert.equal(s.totals.failures, 3);
      assert.equal(s.errors.http_5xx, 2);
      assert.equal(s.errors.timeout, 1);
      assert.equal(s.errors.rate_limited, 0);
      assert.deepEqual(s.errorSamples, { http_5xx: '500 first', timeout: 'idle 30s' });
      assert.deepEqual(s.failures, [
        {
          method: 'POST',
          name: '/v1/workflows/run',
          error: 'http_5xx',
          message: '500 first',
          occurrences: 2,
        },
        { method: 'POST', name: '/other', error: 'timeout', message: 'idle 30s', occurrences: 1 },
      ]);
      assert.throws(() => r.request(streamOk({ ok: false })), /without a taxonomy error name/);
      const unknown = streamOk({ ok: false, error: 'teapot' as unknown as RequestResult['error'] });
      assert.throws(() => r.request(unknown), /without a taxonomy error name/);
      assert.equal(r.snapshot().totals.requests, 4); // a refused result is not half-counted
    });
  });

  test('a request the tool cut is cancelled: not a request or a failure, but its ttfe and tokens count', () => {
    withRecorder((r) => {
      r.request(streamOk({ ok: false, cancelled: true, tokens: 4 }));
      r.abandoned(2);
      const s = r.snapshot();
      assert.equal(s.totals.cancelled, 3);
      assert.equal(s.totals.requests, 0);
      assert.equal(s.totals.failures, 0);
      assert.equal(s.totals.tokens, 4);
      assert.ok(Object.values(s.errors).every((n) => n === 0));
      assert.equal(statsFromEncoded(s.histograms['ttfe']!, 'ms').count, 1);
      assert.equal(s.histograms['request_duration'], undefined, 'a cut duration is the cut, not the server');
      assert.equal(s.entries.length, 0);
    });
  });

  test('named series are capped: past maxNamedSeries names, one (other) series and one warning', () => {
    const recorder = createRecorder({ ...createTestClock(), maxNamedSeries: 3 });
    try {
      for (let i = 0; i < 10; i++) {
        recorder.value(`node_gap.n${i}`, 6);
        recorder.value(`node_duration.n${i}`, 5);
        recorder.value('workflow_elapsed', 4);
      }
      for (let i = 0; i < 10; i++) recorder.request(streamOk({ name: `/path/${i}` }));
      const s = recorder.snapshot();
      const nodes = Object.keys(s.histograms).filter((n) => n.startsWith('node_duration.'));
      assert.deepEqual(nodes.sort(), [
        'node_duration.(other)',
        'node_duration.n0',
        'node_duration.n1',
        'node_duration.n2',
      ]);
      assert.equal(statsFromEncoded(s.histograms['node_duration.(other)']!, 'ms').count, 7);
      // Each family has its own cap; a fixed name is no family's.
      assert.equal(statsFromEncoded(s.histograms['node_gap.(other)']!, 'ms').count, 7);
      assert.equal(statsFromEncoded(s.histograms.workflow_elapsed!, 'ms').count, 10);
      assert.deepEqual(
        s.entries.map((e) => [e.name, e.requests]),
        [
          ['/path/0', 1],
          ['/path/1', 1],
          ['/path/2', 1],
          ['(other)', 7],
        ],
      );
      assert.equal(recorder.warnings().length, 3, recorder.warnings().join('\n'));
    } finally {
      recorder.close();
    }
  });

  test('value() records named latencies and refuses count metric names', () => {
    withRecorder((r) => {
      r.value('node_duration.LLM', 250);
      near(statsFromEncoded(r.snapshot().histograms['node_duration.LLM']!, 'ms').p50, 250);
      assert.throws(() => r.value('events_per_stream', 1), /not a latency metric/);
    });
  });

  test('streamClosed() without streamOpened() is a bug, not a negative gauge', () => {
    withRecorder((r) => {
      assert.throws(() => r.streamClosed(), /without a matching/);
    });
  });
});

describe('recorder history', () => {
  test('tick() closes one row: that second counts, cumulative totals, its own percentiles', () => {
    withRecorder((r, clock) => {
      r.setUsers(5);
      r.streamOpened();
      r.event(10, undefined);
      r.request(streamOk({ ttfeMs: 10, durationMs: 100 }));
      r.request(streamOk({ ttfeMs: 30, durationMs: 300, ok: false, error: 'early_termination' }));
      r.generatorSample({ loopDelayP50Ms: 1, loopDelayP99Ms: 5, loopDelayMaxMs: 9, cpu: 0.5 });
      r.generatorSample({ loopDelayP50Ms: 2, loopDelayP99Ms: 4, loopDelayMaxMs: 7, cpu: 0.25 });
      clock.at(1000);
      r.tick();
      clock.at(2000);
      r.request(streamOk({ ttfeMs: 50, durationMs: 500 }));
      r.tick();
      const [first, second] = r.snapshot().history;
      assert.ok(first && second);
      assert.equal(first.t, TEST_WALL_START_MS + 1000);
      assert.deepEqual(
        [first.elapsedS, first.users, first.activeConnections, first.connectionsOpened, first.requests],
        [1, 5, 1, 1, 2],
      );
      assert.deepEqual([first.failures, first.events, first.bytes, first.tokens], [1, 1, 10, 36]);
      near(first.ttfeP50, 10, 'ttfeP50');
      near(first.ttfeP95, 30, 'ttfeP95');
      near(first.durationP50, 100, 'durationP50');
      assert.deepEqual(first.errors, { early_termination: 1 });
      // The worst of each field when one second got two samples.
      assert.deepEqual(first.generator, {
        loopDelayP50Ms: 2,
        loopDelayP99Ms: 5,
        loopDelayMaxMs: 9,
        cpu: 0.5,
      });
      assert.equal(first.spanMs, 1000);
      assert.deepEqual([second.elapsedS, second.requests, second.failures], [2, 1, 0]);
      assert.deepEqual([second.totalRequests, second.totalFailures], [3, 1]);
      near(second.ttfeP50, 50);
      near(second.ttfeP95, 50);
      near(second.durationP95, 500);
      assert.equal(second.connectionsOpened, 0);
      assert.equal(second.generator, null);
      assert.deepEqual(second.errors, {});
    });
  });

  test('a quiet second has null percentiles; a late tick skips ahead, an early one never repeats', () => {
    withRecorder((r, clock) => {
      clock.at(1000);
      r.tick();
      clock.at(3100); // the timer was blocked for a second
      r.tick();
      clock.at(3400); // closing tick at stop
      r.tick();
      const rows = r.snapshot().history;
      assert.deepEqual(
        rows.map((row) => [row.elapsedS, row.spanMs]),
        [
          [1, 1000],
          [3, 2100],
          [4, 300],
        ],
      );
      assert.deepEqual([rows[0]!.ttfeP50, rows[0]!.durationP95], [null, null]);
      assert.equal(rows[0]!.ttfeHistogram, null);
    });
  });

  test('peakConnections is the gauge maximum inside each row', () => {
    withRecorder((r, clock) => {
      r.streamOpened();
      r.streamOpened();
      r.streamClosed();
      clock.at(1000);
      r.tick();
      clock.at(2000);
      r.tick();
      const s = r.snapshot();
      assert.deepEqual(
        s.history.map((row) => row.peakConnections),
        [2, 1],
      );
      assert.equal(s.connections.maxConcurrent, 2);
    });
  });
});

describe('recorder reset and close', () => {
  test('reset() zeroes everything and restarts the clock; open streams stay active', () => {
    withRecorder((r, clock) => {
      r.setUsers(3);
      r.streamOpened();
      r.streamOpened();
      r.event(10, 1);
      r.request(streamOk({ ok: false, error: 'timeout', message: 'x' }));
      clock.at(1000);
      r.tick();
      clock.at(1500);
      r.reset();
      clock.at(2500);
      const s = r.snapshot();
      assert.equal(s.startedAtMs, TEST_WALL_START_MS + 1500);
      assert.equal(s.elapsedMs, 1000);
      assert.deepEqual(s.totals, {
        requests: 0,
        failures: 0,
        streams: 0,
        events: 0,
        bytes: 0,
        tokens: 0,
        good: 0,
        cancelled: 0,
      });
      assert.deepEqual(s.histograms, {});
      assert.deepEqual([s.entries, s.failures, s.history], [[], [], []]);
      assert.deepEqual(s.errorSamples, {});
      assert.equal(s.users, 3);
      assert.deepEqual(s.connections, {
        active: 2,
        maxConcurrent: 2,
        openSecondPeak: 2,
        activeAreaUs: 2_000_000,
      });
      r.streamClosed();
      r.streamClosed();
      clock.at(3500);
      r.tick();
      assert.deepEqual(
        r.snapshot().history.map((row) => row.elapsedS),
        [2],
      );
    });
  });

  test('close() frees the histograms and may be called twice', () => {
    const r = createRecorder();
    r.event(1, 1);
    r.close();
    r.close();
    assert.throws(() => r.event(1, 1), /destroyed/);
  });
});

test('users per class: each history row has them as the second ends; the snapshot the most at once', () => {
  withRecorder((r, clock) => {
    assert.equal(r.snapshot().userClasses, undefined, 'no class before the first user');
    r.setClassUsers('writer', 1);
    r.setClassUsers('reader', 1);
    r.setClassUsers('reader', 2);
    clock.at(1000);
    r.tick();
    r.setClassUsers('reader', 1);
    clock.at(2000);
    r.tick();
    const snapshot = r.snapshot();
    assert.deepEqual(
      snapshot.history.map((row) => row.userClasses),
      [
        { reader: 2, writer: 1 },
        { reader: 1, writer: 1 },
      ],
    );
    assert.deepEqual(snapshot.userClasses, { reader: 2, writer: 1 });
    // --warmup's reset: the most at once starts over from the users running now.
    r.reset();
    assert.deepEqual(r.snapshot().userClasses, { reader: 1, writer: 1 });
  });
});

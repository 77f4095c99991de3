import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRecorder } from '../metrics/recorder.ts';
import { mergeSnapshots } from '../metrics/snapshot.ts';
import { summarize } from '../metrics/summary.ts';
import { createTestClock } from '../metrics/test-clock.ts';
import type { RequestResult } from '../metrics/types.ts';
import { createRandom } from '../util/random.ts';
import { goodRequest, type Objective, parseObjective } from './objectives.ts';
import { evaluateThresholds, parseThreshold, type Threshold } from './thresholds.ts';

const objective = (expr: string) => parseObjective(expr) as Objective;

function request(over: Partial<RequestResult>): RequestResult {
  return {
    method: 'POST',
    name: '/v1/chat/completions',
    ok: true,
    durationMs: 1000,
    contentBytes: 100,
    ttfbMs: 10,
    ttfeMs: 20,
    ttftMs: 300,
    tpotMs: 30,
    streamDurationMs: 900,
    stream: true,
    events: 10,
    tokens: 10,
    ...over,
  };
}

describe('SLO objectives', () => {
  test('parse: latencies with < or <= and ms/s; everything else is refused with the reason', () => {
    assert.deepEqual(parseObjective('ttft<500ms'), {
      expr: 'ttft<500ms',
      metric: 'ttft',
      op: '<',
      limitMs: 500,
    });
    assert.equal(objective('request_duration <= 2s').limitMs, 2000);
    assert.equal(objective('ttft_scheduled<1s').metric, 'ttft_scheduled');
    for (const bad of [
      'ttft>500ms',
      'ttft<500',
      'ttft<5%',
      'nope<1s',
      'ttft.p95<1s',
      'inter_event_scheduled<1s',
      'ttft',
    ])
      assert.equal(typeof parseObjective(bad), 'string', bad);
    assert.match(parseObjective('nope<1s') as string, /unknown metric "nope"/);
  });

  test('a request is good when it succeeded and met every objective', () => {
    const good = goodRequest([objective('ttft<500ms'), objective('tpot<=50ms')]);
    assert.equal(good(request({})), true);
    assert.equal(good(request({ ttftMs: 500 })), false, '< is strict');
    assert.equal(good(request({ tpotMs: 50 })), true, '<= is not');
    assert.equal(good(request({ ok: false, error: 'http_5xx' })), false, 'a failure never meets them');
    assert.equal(good(request({ ttftMs: undefined })), false, 'no ttft measured: not met');
    assert.equal(goodRequest([])(request({})), true, 'no objectives: every success is good');
    const scheduled = goodRequest([objective('ttft_scheduled<500ms')]);
    assert.equal(scheduled(request({ ttftMs: 300, scheduleLagMs: 250 })), false);
  });

  test('goodput and attainment agree with a hand count, in one recorder and merged over two', () => {
    const objectives = [objective('ttft<400ms'), objective('request_duration<2s')];
    const random = createRandom(7);
    const clock = createTestClock();
    const recorders = [0, 1].map(() => createRecorder({ ...clock, goodRequest: goodRequest(objectives) }));
    let all = 0;
    let handGood = 0;
    const perSecond: number[] = [];
    try {
      for (let second = 0; second < 5; second++) {
        let goodThisSecond = 0;
        for (let i = 0; i < 40; i++) {
          const ok = random.next() > 0.1;
          const ttftMs = 100 + random.next() * 600;
          const durationMs = 500 + random.next() * 2000;
          const result = ok
            ? request({ ttftMs, durationMs })
            : request({ ok: false, error: 'timeout', ttftMs, durationMs });
          recorders[i % 2]!.request(result);
          all++;
          // The hand count: the rule written out again, not the predicate under test.
          if (ok && ttftMs < 400 && durationMs < 2000) {
            handGood++;
            goodThisSecond++;
          }
        }
        perSecond.push(goodThisSecond);
        clock.advance(1000);
        for (const r of recorders) r.tick();
      }
      const merged = summarize(mergeSnapshots(recorders.map((r) => r.snapshot())));
      assert.equal(merged.totals.requests, all);
      assert.equal(merged.totals.good, handGood);
      assert.equal(merged.slo_attainment, handGood / all);
      assert.deepEqual(
        merged.history.map((h) => h.good),
        perSecond,
      );
      assert.equal(merged.goodput.max, Math.max(...perSecond));
      assert.equal(merged.goodput.min, Math.min(...perSecond));
      assert.ok(Math.abs(merged.goodput.avg - perSecond.reduce((a, b) => a + b) / perSecond.length) < 1e-9);
      const one = summarize(recorders[0]!.snapshot());
      assert.ok(one.totals.good < handGood && one.totals.good > 0);

      const thresholds = ['goodput.avg>=1', 'slo_attainment>=99%', 'totals.good>0'].map(
        (t) => parseThreshold(t) as Threshold,
      );
      const results = evaluateThresholds(thresholds, merged);
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, false, true],
      );
      assert.equal(results[1]!.actual, handGood / all);
    } finally {
      for (const r of recorders) r.close();
    }
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveControls } from '../controls/settings.ts';
import { createRecorder } from '../metrics/recorder.ts';
import { mergeSnapshots } from '../metrics/snapshot.ts';
import { summarize } from '../metrics/summary.ts';
import type { RequestResult } from '../metrics/types.ts';
import { createRandom } from '../util/random.ts';
import { createRequestControls } from './request-controls.ts';

const identity = { method: 'POST', name: '/x' };

function result(ok: boolean, extra: Partial<RequestResult> = {}): RequestResult {
  return {
    ...identity,
    ok,
    ...(ok ? {} : { error: 'rate_limited', message: 'HTTP 429' }),
    durationMs: 1,
    contentBytes: 0,
    stream: false,
    events: 0,
    tokens: 0,
    ...extra,
  };
}

/** A fake server: answers from a script, recording each attempt like the hot path. */
function scripted(recorder: ReturnType<typeof createRecorder>, script: boolean[]) {
  let i = 0;
  return async () => {
    const r = result(script[i++ % script.length]!);
    recorder.request(r);
    return r;
  };
}

test('retries until success: every attempt a request, the operation once, retries = requests − operations', async () => {
  const recorder = createRecorder();
  const controls = createRequestControls({
    settings: resolveControls({ retry: 3, backoff: { minMs: 1, maxMs: 2 } }, undefined),
    recorder: recorder.controls,
    random: createRandom(1),
  });
  const attempt = scripted(recorder, [false, false, true]);
  for (let n = 0; n < 4; n++) assert.ok((await controls.operation(attempt, identity)).ok);
  const summary = summarize(recorder.snapshot());
  assert.equal(summary.totals.requests, 12);
  assert.equal(summary.error_rate, 8 / 12);
  const ops = summary.operations!;
  assert.equal(ops.total, 4);
  assert.equal(ops.success_rate, 1);
  assert.equal(ops.succeededAfterRetry, 4);
  assert.equal(ops.retries.total, summary.totals.requests - ops.total);
  assert.deepEqual(ops.retries.byCause, { rate_limited: 8 });
  assert.equal(summary.operation_error_rate, 0);
  assert.equal(summary.latency.attempts_per_operation?.max, 3);
  recorder.close();
});

test('gives up after the retries; never retries a stream that delivered events or a cause not listed', async () => {
  const recorder = createRecorder();
  const controls = createRequestControls({
    settings: resolveControls(
      { retry: 2, retryOn: ['http_5xx'], backoff: { minMs: 1, maxMs: 1 } },
      undefined,
    ),
    recorder: recorder.controls,
    random: createRandom(1),
  });
  let calls = 0;
  const failing = (extra: Partial<RequestResult>) => async () => {
    calls++;
    return result(false, extra);
  };
  await controls.operation(failing({ error: 'http_5xx' }), identity);
  assert.equal(calls, 3);
  await controls.operation(failing({ error: 'http_5xx', events: 4, stream: true }), identity);
  assert.equal(calls, 4);
  await controls.operation(failing({ error: 'rate_limited' }), identity);
  assert.equal(calls, 5);
  const ops = summarize(recorder.snapshot()).operations!;
  assert.equal(ops.failed, 3);
  assert.equal(ops.failedAfterRetries, 1);
  recorder.close();
});

test('an open circuit refuses without sending: circuit_open, apart from failures', async () => {
  const recorder = createRecorder();
  const controls = createRequestControls({
    settings: resolveControls(
      { circuitBreaker: { failures: 2, windowMs: 10_000, openMs: 60_000, halfOpen: 1 } },
      undefined,
    ),
    recorder: recorder.controls,
    random: createRandom(1),
  });
  let sent = 0;
  const attempt = async () => {
    sent++;
    const r = result(false, { error: 'http_5xx' });
    recorder.request(r);
    return r;
  };
  await controls.operation(attempt, identity);
  await controls.operation(attempt, identity);
  // Held until the breaker changes state or the run ends: end it.
  const refused = controls.operation(attempt, identity);
  controls.close();
  const r = await refused;
  assert.equal(r.rejected, 'circuit_open');
  assert.equal(sent, 2);
  recorder.tick();
  const summary = summarize(recorder.snapshot());
  assert.equal(summary.totals.failures, 2);
  assert.equal(summary.operations!.rejections.circuit_open, 1);
  assert.equal(summary.operations!.circuitBreaker.opens, 1);
  assert.equal(summary.history.at(-1)?.controls?.breaker, 'open');
  recorder.close();
});

test('the controls merge exactly across recorders', async () => {
  const parts = [createRecorder(), createRecorder()];
  for (const recorder of parts) {
    const controls = createRequestControls({
      settings: resolveControls({ retry: 1, backoff: { minMs: 1, maxMs: 1 } }, undefined),
      recorder: recorder.controls,
      random: createRandom(1),
    });
    await controls.operation(scripted(recorder, [false, true]), identity);
    recorder.tick();
  }
  const merged = summarize(mergeSnapshots(parts.map((r) => r.snapshot())));
  assert.equal(merged.operations!.total, 2);
  assert.equal(merged.operations!.retries.total, 2);
  assert.equal(merged.history[0]?.controls?.operations, 2);
  for (const r of parts) r.close();
});

test('a refused operation is held until the breaker half-opens, then a probe goes through; backoff is not cut short by it', async () => {
  const recorder = createRecorder();
  const controls = createRequestControls({
    settings: resolveControls(
      { circuitBreaker: { failures: 1, windowMs: 10_000, openMs: 50, halfOpen: 1 } },
      undefined,
    ),
    recorder: recorder.controls,
    random: createRandom(1),
  });
  let ok = false;
  const attempt = async () => result(ok, ok ? {} : { error: 'http_5xx' });
  await controls.operation(attempt, identity); // opens the circuit
  const began = performance.now();
  const refused = await controls.operation(attempt, identity);
  assert.equal(refused.rejected, 'circuit_open');
  const heldMs = performance.now() - began;
  assert.ok(heldMs >= 40 && heldMs < 5_000, `held ${heldMs} ms`);
  ok = true;
  assert.ok((await controls.operation(attempt, identity)).ok, 'the probe closes the circuit');
  const ops = summarize(recorder.snapshot()).operations!;
  assert.deepEqual(ops.circuitBreaker, { opens: 1, halfOpens: 1, closes: 1 });
  controls.close();
  recorder.close();
});

/**
 * The request timer without sockets: a hand-moved clock, a recorder that writes down its calls,
 * and the real protocols' interpreters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestResult } from '../metrics/types.ts';
import { createChatProtocol } from '../protocols/chat.ts';
import { createGenericSseProtocol } from '../protocols/sse.ts';
import { createWorkflowProtocol } from '../protocols/workflow.ts';
import type { SseEvent } from '../sse/types.ts';
import { RequestTimer, type TimerDeps, type TimerOptions } from './request-timer.ts';

function harness(options: TimerOptions, idleTimeoutMs = 1000) {
  let now = 1000;
  const calls = {
    events: [] as [number, number | undefined][],
    values: [] as [string, number][],
    opened: 0,
    closed: 0,
    requests: [] as RequestResult[],
  };
  const deps: TimerDeps = {
    idleTimeoutMs,
    clock: () => now,
    recorder: {
      event: (bytes, gap) => calls.events.push([bytes, gap]),
      value: (metric, ms) => calls.values.push([metric, ms]),
      streamOpened: () => calls.opened++,
      streamClosed: () => calls.closed++,
      request: (result) => calls.requests.push(result),
    },
  };
  const timer = new RequestTimer(deps, { method: 'POST', name: '/run' }, options);
  return {
    timer,
    calls,
    advance(ms: number) {
      now += ms;
    },
  };
}

const sse = (data: string, type = 'message'): SseEvent => ({ type, data, lastEventId: '', retry: undefined });
const workflow = createWorkflowProtocol({});
const dify = (event: string, data: Record<string, unknown> = {}) => sse(JSON.stringify({ event, data }));

test('a workflow stream: ttfb, ttfe, ttft, gaps, bytes per event, node timing, usage tokens', () => {
  const { timer, calls, advance } = harness({ stream: true, protocol: workflow });
  advance(5);
  assert.equal(timer.responseStart(200, 'text/event-stream; charset=utf-8', undefined), 'stream');
  assert.equal(calls.opened, 1);
  advance(10);
  timer.chunk(120);
  timer.event(dify('workflow_started'));
  timer.event(dify('node_started', { id: 'n1', title: 'LLM' }));
  advance(20);
  timer.chunk(80);
  timer.event(dify('text_chunk', { text: 'a' }));
  advance(30);
  timer.chunk(60);
  timer.event(dify('text_chunk', { text: 'b' }));
  timer.event(
    dify('node_finished', { id: 'n1', title: 'LLM', outputs: { usage: { completion_tokens: 7 } } }),
  );
  advance(5);
  timer.event(dify('workflow_finished', { status: 'succeeded' }));
  assert.equal(timer.terminated, true);
  advance(100); // the response ends later: the duration stops at the terminal event
  const result = timer.finish(undefined);
  assert.deepEqual(calls.events, [
    [120, undefined],
    [0, 0],
    [80, 20],
    [60, 30],
    [0, 0],
    [0, 5],
  ]);
  // No elapsed_time in node_finished: node_duration is the gap seen here, as node_gap is.
  assert.deepEqual(calls.values, [
    ['node_gap.LLM', 50],
    ['node_duration.LLM', 50],
  ]);
  assert.equal(calls.closed, 1);
  assert.deepEqual(calls.requests, [result]);
  assert.deepEqual(result, {
    method: 'POST',
    name: '/run',
    ok: true,
    durationMs: 70,
    contentBytes: 260,
    stream: true,
    events: 6,
    tokens: 7,
    ttfbMs: 5,
    ttfeMs: 15,
    streamDurationMs: 55,
    ttftMs: 35,
    tpotMs: (70 - 35) / 6,
  });
});

test('idle deadline: decided on the clock, measured from the last event, first-failure wins', () => {
  const { timer, advance } = harness({ stream: true, protocol: workflow }, 1000);
  timer.responseStart(200, 'text/event-stream', undefined);
  advance(400);
  timer.event(dify('workflow_started'));
  advance(600); // the timer armed at the stream's start fires: 600 ms since the last event
  assert.equal(timer.idleCheck(), 400);
  advance(399.5); // within the 1 ms a Node timer may fire early
  assert.equal(timer.idleCheck(), 0);
  assert.equal(timer.failed, true);
  timer.transportError(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' }));
  const result = timer.finish(undefined);
  assert.equal(result.error, 'timeout');
  assert.match(result.message ?? '', /no event for 1000 ms \(--idle-timeout 1000 ms\)/);
  assert.equal(timer.idleCheck(), -1, 'a finished request arms nothing');
});

test('a stream that ends without its terminal event is early_termination; generic sse ends fine', () => {
  const early = harness({ stream: true, protocol: workflow });
  early.timer.responseStart(200, 'text/event-stream', undefined);
  early.timer.event(dify('text_chunk'));
  const r = early.timer.finish(undefined);
  assert.equal(r.error, 'early_termination');
  assert.equal(r.message, 'stream closed after 1 events without its terminal event');

  const generic = harness({ stream: true, protocol: createGenericSseProtocol({}) });
  generic.timer.responseStart(200, 'text/event-stream', undefined);
  generic.timer.event(sse('hello'));
  const ok = generic.timer.finish(undefined);
  assert.equal(ok.ok, true);
  assert.equal(ok.tokens, 1);
});

test('transport errors: connection_error before any event, early_termination after, timeout kept', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const before = harness({ stream: true, protocol: workflow });
  before.timer.transportError(refused);
  assert.equal(before.timer.finish(undefined).error, 'connection_error');

  const after = harness({ stream: true, protocol: workflow });
  after.timer.responseStart(200, 'text/event-stream', undefined);
  after.timer.event(dify('text_chunk'));
  after.timer.transportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
  assert.equal(after.timer.finish(undefined).error, 'early_termination');

  const headers = harness({ stream: true, protocol: workflow });
  headers.timer.transportError(
    Object.assign(new Error('Headers Timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
  );
  assert.equal(headers.timer.finish(undefined).error, 'timeout');
});

test('cut: cancelled unless already failed or terminated; the error after a cut is not counted', () => {
  const cut = harness({ stream: true, protocol: workflow });
  cut.timer.responseStart(200, 'text/event-stream', undefined);
  cut.timer.event(dify('text_chunk'));
  cut.timer.cut();
  cut.timer.transportError(new Error('aborted'));
  const r = cut.timer.finish(undefined);
  assert.equal(r.ok, false);
  assert.equal(r.cancelled, true);
  assert.equal(r.error, undefined);

  const done = harness({ stream: true, protocol: workflow });
  done.timer.responseStart(200, 'text/event-stream', undefined);
  done.timer.event(dify('workflow_finished', { status: 'succeeded' }));
  done.timer.cut();
  done.timer.transportError(new Error('aborted'));
  const d = done.timer.finish(undefined);
  assert.equal(d.ok, true);
  assert.equal(d.cancelled, undefined);
});

test('statuses and content types: error body sample, Retry-After, wrong type, 1xx ignored', () => {
  const limited = harness({ stream: true, protocol: workflow });
  assert.equal(limited.timer.responseStart(103, '', undefined), 'informational');
  assert.equal(limited.timer.responseStart(429, 'application/json', '2'), 'body');
  const r = limited.timer.finish('{"message":\n  "slow down"}');
  assert.equal(r.error, 'rate_limited');
  assert.equal(r.message, 'HTTP 429: {"message": "slow down"}');
  assert.equal(r.retryAfter, '2');
  assert.equal(limited.calls.opened, 0);
  assert.equal(limited.calls.closed, 0);

  const html = harness({ stream: true, protocol: workflow });
  assert.equal(html.timer.responseStart(200, 'text/html', undefined), 'body');
  const h = html.timer.finish('<html>');
  assert.equal(h.error, 'invalid_response');
  assert.equal(h.message, 'expected text/event-stream, got text/html');

  const blocking = harness({ stream: false, protocol: workflow });
  assert.equal(blocking.timer.responseStart(200, 'text/event-stream', undefined), 'body');
  assert.equal(blocking.timer.finish(undefined).error, 'invalid_response');
});

test('blocking bodies are judged by the protocol; verify runs last on a live request', () => {
  const good = harness({ stream: false, protocol: workflow });
  good.timer.responseStart(200, 'application/json', undefined);
  good.timer.chunk(50);
  const g = good.timer.finish(JSON.stringify({ data: { status: 'succeeded', total_tokens: 12 } }));
  assert.equal(g.ok, true);
  assert.equal(g.tokens, 12);
  assert.equal(g.contentBytes, 50);
  assert.equal(g.stream, false);

  const bad = harness({ stream: false, protocol: workflow });
  bad.timer.responseStart(200, 'application/json', undefined);
  assert.equal(bad.timer.finish('not json').error, 'invalid_json');

  const checked = harness({ stream: false, verify: () => 'status was not 201' });
  checked.timer.responseStart(200, 'application/json', undefined);
  const c = checked.timer.finish('{}');
  assert.equal(c.error, 'invalid_response');
  assert.equal(c.message, 'status was not 201');
});

test('in-stream failures, failed workflows and an open node map bounded by the server', () => {
  const failed = harness({ stream: true, protocol: workflow });
  failed.timer.responseStart(200, 'text/event-stream', undefined);
  failed.timer.event(sse('{"event":"error","code":"quota","message":"exceeded"}'));
  failed.timer.event(dify('workflow_finished', { status: 'failed', error: 'boom' }));
  const f = failed.timer.finish(undefined);
  assert.equal(f.error, 'stream_error');
  assert.equal(f.message, 'quota: exceeded', 'the first failure is the request error');

  const nodes = harness({ stream: true, protocol: workflow });
  nodes.timer.responseStart(200, 'text/event-stream', undefined);
  for (let i = 0; i < 1200; i++) nodes.timer.event(dify('node_started', { id: `n${i}`, title: 'T' }));
  nodes.timer.event(dify('node_finished', { id: 'n1100', title: 'T' }));
  nodes.timer.event(dify('node_finished', { id: 'n5', title: 'T' }));
  assert.deepEqual(
    nodes.calls.values.map(([name]) => name),
    ['node_gap.T', 'node_duration.T'],
    'only the first 1000 open nodes are timed',
  );
  nodes.timer.finish(undefined);
});

test("Dify's own times: node_duration and workflow_elapsed from elapsed_time (seconds), node_gap as received", () => {
  const { timer, calls, advance } = harness({ stream: true, protocol: workflow });
  timer.responseStart(200, 'text/event-stream', undefined);
  timer.event(dify('node_started', { id: 'e', title: 'End' }));
  advance(17.7);
  timer.event(dify('node_finished', { id: 'e', title: 'End', elapsed_time: 0.0001 }));
  // A node_finished whose start was never seen still has the server's time.
  timer.event(dify('node_finished', { id: 'x', title: 'Lost', elapsed_time: 1.5 }));
  timer.event(dify('workflow_finished', { status: 'succeeded', elapsed_time: 0.078657 }));
  assert.equal(timer.finish(undefined).ok, true);
  assert.deepEqual(
    calls.values.map(([name, ms]) => [name, Number(ms.toFixed(6))]),
    [
      ['node_gap.End', 17.7],
      ['node_duration.End', 0.1],
      ['node_duration.Lost', 1500],
      ['workflow_elapsed', 78.657],
    ],
  );
});

const chat = createChatProtocol({});
const chatEvent = (event: string, fields: Record<string, unknown> = {}) =>
  sse(JSON.stringify({ event, ...fields }));

test('chatflow verdicts: workflow_finished after message_end decides; a basic chat app ends at message_end', () => {
  const chatflow = (status: string) => {
    const { timer, calls, advance } = harness({ stream: true, protocol: chat });
    timer.responseStart(200, 'text/event-stream', undefined);
    timer.event(chatEvent('workflow_started', { data: {} }));
    timer.event(chatEvent('message', { answer: 'hi' }));
    advance(10);
    timer.event(chatEvent('message_end', { metadata: { usage: { completion_tokens: 4 } } }));
    assert.equal(timer.terminated, false, 'a chatflow goes on after message_end');
    advance(5);
    timer.event(
      chatEvent('workflow_finished', { data: { status, error: 'Node LLM run failed', elapsed_time: 0.5 } }),
    );
    assert.equal(timer.terminated, true);
    return { result: timer.finish(undefined), calls };
  };
  const good = chatflow('succeeded');
  assert.equal(good.result.ok, true);
  assert.equal(good.result.tokens, 4, "message_end's usage counts");
  assert.equal(good.result.durationMs, 15);
  assert.deepEqual(good.calls.values, [['workflow_elapsed', 500]]);
  const bad = chatflow('failed');
  assert.equal(bad.result.error, 'stream_error');
  assert.equal(bad.result.message, 'workflow failed: Node LLM run failed');

  const basic = harness({ stream: true, protocol: chat });
  basic.timer.responseStart(200, 'text/event-stream', undefined);
  basic.timer.event(chatEvent('message', { answer: 'hi' }));
  basic.timer.event(chatEvent('message_end', { metadata: {} }));
  assert.equal(basic.timer.terminated, true);
  assert.equal(basic.timer.finish(undefined).ok, true);
});

test('schedule lag is reported with the result of the open model', () => {
  const { timer } = harness({ stream: true, protocol: workflow, scheduleLagMs: 3 });
  timer.transportError(new Error('x'));
  assert.equal(timer.finish(undefined).scheduleLagMs, 3);
});

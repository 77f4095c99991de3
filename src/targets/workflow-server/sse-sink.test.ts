import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { createSseSink } from './sse-sink.ts';

/** Enough of a ServerResponse for the sink: writes are recorded; `full` plays a full socket buffer. */
function fakeResponse() {
  const res = Object.assign(new EventEmitter(), {
    written: [] as string[],
    writableNeedDrain: false,
    destroyed: false,
    ended: false,
    writeHead: () => res,
    flushHeaders: () => {},
    write: (text: string) => res.written.push(text) > 0 && !res.writableNeedDrain,
    end: () => {
      res.ended = true;
    },
  });
  return res;
}

test('each event is one SSE block carrying the envelope; the counters count streams and events', () => {
  const res = fakeResponse();
  const counters = { streams: 0, events: 0 };
  const sink = createSseSink(
    res as unknown as ServerResponse,
    { task_id: 't' },
    { pingIntervalMs: 60_000, counters },
  );
  sink.emit('text_chunk', { data: { text: 'hi' } });
  sink.end();
  assert.deepEqual(res.written, ['data: {"event":"text_chunk","task_id":"t","data":{"text":"hi"}}\n\n']);
  assert.deepEqual(counters, { streams: 1, events: 1 });
  assert.equal(res.ended, true);
});

test('drained() is undefined while the client keeps up, and settles on drain or close when it lags', async () => {
  const res = fakeResponse();
  const sink = createSseSink(
    res as unknown as ServerResponse,
    {},
    {
      pingIntervalMs: 60_000,
      counters: { streams: 0, events: 0 },
    },
  );
  assert.equal(sink.drained(), undefined);
  res.writableNeedDrain = true;
  const first = sink.drained();
  assert.ok(first instanceof Promise);
  assert.equal(sink.drained(), first, 'one promise per lag, not one per chunk');
  res.writableNeedDrain = false;
  res.emit('drain');
  await first;
  assert.equal(res.listenerCount('drain') + res.listenerCount('close'), 0);
  res.writableNeedDrain = true;
  const second = sink.drained();
  res.emit('close');
  await second;
  sink.end();
});

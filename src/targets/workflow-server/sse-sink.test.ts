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

test('a ping at once, then each event as one SSE block carrying the envelope, keys sorted; the counters count', () => {
  const res = fakeResponse();
  const counters = { streams: 0, events: 0 };
  const sink = createSseSink(
    res as unknown as ServerResponse,
    { task_id: 't' },
    { pingIntervalMs: 60_000, counters },
  );
  sink.emit('text_chunk', { data: { text: 'hi' } });
  sink.end();
  sink.emit('node_started', { data: { title: 'End', id: 'n' } });
  assert.deepEqual(res.written, [
    'event: ping\n\n',
    'data: {"data":{"text":"hi"},"event":"text_chunk","task_id":"t"}\n\n',
    'data: {"data":{"agent_strategy":null,"extras":{},"id":"n","inputs":null,"inputs_truncated":false,"iteration_id":null,"loop_id":null,"predecessor_node_id":null,"title":"End"},"event":"node_started","task_id":"t"}\n\n',
  ]);
  assert.deepEqual(counters, { streams: 1, events: 2 });
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

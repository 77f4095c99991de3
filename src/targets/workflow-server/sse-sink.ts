/**
 * Where a streaming run's events go, written as Dify 1.13 writes them (test/fixtures/dify-1.13/):
 * `event: ping` at once and then while the run is idle, one `data:` block per event whose JSON is
 * compact with its keys sorted at every level, the run's envelope (`task_id`, `workflow_run_id`, …)
 * in every payload, the fields Dify always sends filled in, and the response's backpressure handed
 * back to the run, so a slow client slows its own LLM stream instead of piling events up in this
 * server's memory. The node runners only say `emit(event, fields)`: the wire format lives here.
 */
import type { ServerResponse } from 'node:http';
import { encodeSseEvent } from '../../sse/encoder.ts';
import { sortedJson } from './dify-json.ts';
import type { EventSink } from './nodes/types.ts';

/** Counted by every sink of a server (`GET /_mock/stats`). */
export interface SinkCounters {
  streams: number;
  events: number;
}

export interface SseSink {
  readonly emit: EventSink;
  /**
   * Undefined while the client keeps up; otherwise a promise that settles once the response
   * drained (or closed). Awaited between LLM chunks: no promise is made on the fast path.
   */
  drained(): Promise<void> | undefined;
  end(): void;
}

/** Dify's ping: an event line with no data line, which encodeSseEvent cannot express. */
const PING = 'event: ping\n\n';

/** Node event fields Dify 1.13 always sends (null or false unless the node says otherwise). */
const NODE_STARTED_DEFAULTS = {
  agent_strategy: null,
  extras: {},
  inputs: null,
  inputs_truncated: false,
  iteration_id: null,
  loop_id: null,
  predecessor_node_id: null,
};
const NODE_FINISHED_DEFAULTS = {
  execution_metadata: null,
  files: [],
  inputs_truncated: false,
  iteration_id: null,
  loop_id: null,
  outputs_truncated: false,
  predecessor_node_id: null,
  process_data: {},
  process_data_truncated: false,
};
const DATA_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  workflow_started: { reason: 'initial' },
  node_started: NODE_STARTED_DEFAULTS,
  node_finished: NODE_FINISHED_DEFAULTS,
};

/**
 * The payload of one event, its top-level keys in Dify's (sorted) order, so that most payloads
 * need no reordering (dify-json.ts): envelope, fields, and under `data` the fields Dify always has.
 * `order` caches each key set's sorted order (a stream has a handful of event shapes).
 */
function payload(
  event: string,
  envelope: Readonly<Record<string, unknown>>,
  fields: Record<string, unknown>,
  order: Map<string, readonly string[]>,
): Record<string, unknown> {
  const own = Object.keys(fields);
  const shape = own.join(',');
  let keys = order.get(shape);
  if (keys === undefined) {
    keys = [...new Set(['event', ...Object.keys(envelope), ...own])].sort();
    order.set(shape, keys);
  }
  const defaults = DATA_DEFAULTS[event];
  const sorted: Record<string, unknown> = {};
  for (const key of keys)
    sorted[key] =
      key === 'event'
        ? event
        : key in fields
          ? key === 'data' &&
            defaults !== undefined &&
            typeof fields.data === 'object' &&
            fields.data !== null
            ? { ...defaults, ...fields.data }
            : fields[key]
          : envelope[key];
  return sorted;
}

export function createSseSink(
  res: ServerResponse,
  envelope: Readonly<Record<string, unknown>>,
  options: { readonly pingIntervalMs: number; readonly counters: SinkCounters },
): SseSink {
  const { counters } = options;
  // Dify 1.13's stream headers: no Cache-Control; chunked (no length); the X-Version/X-Env/CORS
  // headers every answer of this server carries are set before routing (responses.ts).
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  // The first frame goes at once, before the run starts: TTFB measures the server, and a client
  // must not take the ping for the first event (TTFE).
  res.write(PING);
  counters.streams++;
  const ping = setInterval(() => res.write(PING), options.pingIntervalMs);
  const order = new Map<string, readonly string[]>();
  let draining: Promise<void> | undefined;
  return {
    emit(event, fields) {
      counters.events++;
      res.write(encodeSseEvent({ data: sortedJson(payload(event, envelope, fields, order)) }));
    },
    drained() {
      if (!res.writableNeedDrain || res.destroyed) return undefined;
      draining ??= new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          draining = undefined;
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      return draining;
    },
    end() {
      clearInterval(ping);
      res.end();
    },
  };
}

/**
 * Where a streaming run's events go: one SSE block per event on the response, the run's envelope
 * (`task_id`, `workflow_run_id`, …) in every payload, Dify's `ping` while the run is idle, and the
 * response's backpressure handed back to the run, so a slow client slows its own LLM stream
 * instead of piling events up in this server's memory.
 */
import type { ServerResponse } from 'node:http';
import { encodeSseEvent } from '../../sse/encoder.ts';
import { startEventStream } from '../../util/http-server.ts';
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

export function createSseSink(
  res: ServerResponse,
  envelope: Readonly<Record<string, unknown>>,
  options: { readonly pingIntervalMs: number; readonly counters: SinkCounters },
): SseSink {
  const { counters } = options;
  startEventStream(res);
  counters.streams++;
  // Dify's ping is an event line with no data line, which encodeSseEvent cannot express.
  const ping = setInterval(() => res.write('event: ping\n\n'), options.pingIntervalMs);
  let draining: Promise<void> | undefined;
  return {
    emit(event, fields) {
      counters.events++;
      res.write(encodeSseEvent({ data: JSON.stringify({ event, ...envelope, ...fields }) }));
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

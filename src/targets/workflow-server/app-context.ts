/** What the app routes (workflow, chat) share with the server that wires them. */
import type { ServerResponse } from 'node:http';
import type { App } from './app.ts';
import type { NodeServices } from './nodes/types.ts';
import type { RunStore } from './run-store.ts';
import type { RunRecord } from './runner.ts';
import type { SseSink } from './sse-sink.ts';

/** The server's counters (`GET /_mock/stats`). */
export interface WorkflowServerStats {
  requests: number;
  runs: number;
  streams: number;
  events: number;
  failed: number;
}

export interface AppContext {
  readonly stats: WorkflowServerStats;
  readonly runs: RunStore;
  /** A new run for a request: remembered, counted, and stopped when the client goes away. */
  beginRun(res: ServerResponse, app: App, user: string, inputs: Record<string, unknown>): RunRecord;
  /** Starts an event stream on `res` whose every payload carries `envelope`. */
  openStream(res: ServerResponse, envelope: Readonly<Record<string, unknown>>): SseSink;
}

/** The app behind a request's Service API key and what its nodes call (its LLM, code runner, …). */
export interface Served {
  readonly app: App;
  readonly services: NodeServices;
}

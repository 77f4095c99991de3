/**
 * What a scenario task gets back from `ctx.sse()` / `ctx.http()`: status, headers and the first
 * KEEP_BYTES of the body (`text()`, `json()`, `streamEvents()`), so a task can read a field or carry a
 * `conversation_id` into its next request. Bodies are bounded: a task never holds a whole
 * long stream. The hot path only appends chunk references to a sink a task asked for.
 */
import { createSseParser } from '../../sse/parser.ts';

/** Bytes of each response kept for the task (`truncated` says when more arrived). */
export const KEEP_BYTES = 256 * 1024;

/** The sink stream-request fills when a task will read the response. */
export interface KeptResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly chunks: Buffer[];
  bytes: number;
  truncated: boolean;
}

export function createKeptResponse(): KeptResponse {
  return { status: 0, headers: {}, chunks: [], bytes: 0, truncated: false };
}

/** Called per response chunk when a sink exists: keeps the head, notes that the rest was dropped. */
export function keepChunk(kept: KeptResponse, chunk: Buffer): void {
  if (kept.bytes >= KEEP_BYTES) {
    kept.truncated = true;
    return;
  }
  const room = KEEP_BYTES - kept.bytes;
  const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
  if (part !== chunk) kept.truncated = true;
  kept.chunks.push(part);
  kept.bytes += part.length;
}

/** One kept event of an event stream. */
export interface KeptEvent {
  /** The `event` field (`message` when absent). */
  readonly event: string;
  readonly data: string;
  readonly id: string;
}

/** The response as a task reads it (also what `check` callbacks receive). */
export interface ResponseBody {
  /** HTTP status (0 when no response arrived). */
  readonly status: number;
  /** Response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** More than the kept 256 KiB arrived; text(), json() and streamEvents() see only the head. */
  readonly truncated: boolean;
  /** The kept body as UTF-8 text. */
  text(): string;
  /**
   * The kept body parsed as JSON. For an event stream: the JSON data of every kept event, in order
   * (events whose data is not JSON, such as `[DONE]`, are skipped).
   */
  json<T = unknown>(): T;
  /** The kept events of an event stream (empty for other bodies). */
  streamEvents(): KeptEvent[];
}

export function responseBody(kept: KeptResponse): ResponseBody {
  let text: string | undefined;
  let events: KeptEvent[] | undefined;
  const isStream = () => /^\s*text\/event-stream\b/i.test(String(kept.headers['content-type'] ?? ''));
  const readText = () => {
    text ??= Buffer.concat(kept.chunks).toString('utf8');
    return text;
  };
  const readEvents = () => {
    if (events !== undefined) return events;
    const list: KeptEvent[] = [];
    if (isStream()) {
      const parser = createSseParser({
        onEvent: (e) => list.push({ event: e.type, data: e.data, id: e.lastEventId }),
        maxEventBytes: KEEP_BYTES,
      });
      for (const chunk of kept.chunks) parser.feed(chunk);
    }
    events = list;
    return list;
  };
  return {
    status: kept.status,
    headers: kept.headers,
    truncated: kept.truncated,
    text: readText,
    streamEvents: readEvents,
    json<T>(): T {
      if (!isStream()) return JSON.parse(readText()) as T;
      const values: unknown[] = [];
      for (const e of readEvents()) {
        try {
          values.push(JSON.parse(e.data));
        } catch {
          // not JSON (a `[DONE]` sentinel, plain text): skipped
        }
      }
      return values as T;
    },
  };
}

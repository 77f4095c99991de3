/** One dispatched Server-Sent Event (WHATWG HTML, "event stream interpretation"). */
export interface SseEvent {
  /** The `event` field, or `"message"` when none was given. */
  readonly type: string;
  /** The data buffer with its final LF removed; multi-line `data` joined by LF. */
  readonly data: string;
  /** The last event ID buffer at dispatch time (persists across events, as the spec says). */
  readonly lastEventId: string;
  /** The last valid `retry` value in ms seen in this event's block, else undefined. */
  readonly retry: number | undefined;
}

/** Classified parse failures; names are members of the error taxonomy. */
export type SseParseErrorKind = 'event_too_large';

export interface SseParseError {
  readonly kind: SseParseErrorKind;
  readonly message: string;
}

export interface SseParserOptions {
  onEvent: (event: SseEvent) => void;
  /** Called once when the stream can no longer be parsed; the parser then ignores further input until reset. */
  onError?: (error: SseParseError) => void;
  /** Largest event, in bytes, before `event_too_large`. Default 1 MiB. */
  maxEventBytes?: number;
}

export interface SseParser {
  /** Feed bytes exactly as they came off the socket; chunks may split anywhere. */
  feed(chunk: Uint8Array): void;
  /** Forget all state (buffers, last event id) for a new stream. */
  reset(): void;
}

/**
 * REJECTED CANDIDATE, kept so `npm run bench:sse` can show why: a hand-written parser had to be at
 * least 2× faster than eventsource-parser on corpora (a) and (b) to stay; it was slower.
 *
 * Incremental WHATWG event-stream parser. Each chunk is decoded once by a streaming TextDecoder
 * (which also strips the one leading BOM and keeps multi-byte characters split across chunks
 * whole); lines are then found with String#indexOf and values taken as slices, which V8 makes
 * without copying. Byte sizes are exact: equal to character counts while the input is ASCII,
 * measured with Buffer.byteLength otherwise.
 */
import type { SseEvent, SseParser, SseParserOptions } from '../src/sse/types.ts';

const LF = 10;
const COLON = 58;
const SPACE = 32;
const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

export function createSseParser(options: SseParserOptions): SseParser {
  const { onEvent, onError } = options;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;

  let decoder = new TextDecoder('utf-8');
  let carry = ''; // an unfinished line
  let carryAscii = true;
  let carryBytes = 0;
  let skipLf = false; // the previous chunk ended in CR: a leading LF belongs to it
  let failed = false;
  let data = '';
  let hasData = false;
  let eventType = '';
  let lastEventId = '';
  let retry: number | undefined;
  let eventBytes = 0;

  function fail(): void {
    failed = true;
    carry = '';
    onError?.({ kind: 'event_too_large', message: `event exceeds ${maxEventBytes} bytes` });
  }

  function dispatch(): void {
    eventBytes = 0;
    if (!hasData) {
      eventType = '';
      retry = undefined;
      return;
    }
    const event: SseEvent = {
      type: eventType === '' ? 'message' : eventType,
      data,
      lastEventId,
      retry,
    };
    data = '';
    hasData = false;
    eventType = '';
    retry = undefined;
    onEvent(event);
  }

  /** One complete line `text[start, end)`, terminator excluded. */
  function line(text: string, start: number, end: number): void {
    if (start === end) {
      dispatch();
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return; // comment
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    let valueStart = colon < end ? colon + 1 : end;
    if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    switch (colon - start) {
      case 4:
        if (text.startsWith('data', start)) {
          const value = text.slice(valueStart, end);
          data = hasData ? `${data}\n${value}` : value;
          hasData = true;
        }
        return;
      case 5:
        if (text.startsWith('event', start)) eventType = text.slice(valueStart, end);
        else if (text.startsWith('retry', start)) {
          const value = digits(text, valueStart, end);
          if (value !== undefined) retry = value;
        }
        return;
      case 2:
        if (text.startsWith('id', start)) {
          const value = text.slice(valueStart, end);
          if (!value.includes('\0')) lastEventId = value;
        }
        return;
    }
  }

  function feed(chunk: Uint8Array): void {
    if (failed || chunk.length === 0) return;
    let text = decoder.decode(chunk, { stream: true });
    // ASCII in = one character per byte (the decoder holds back nothing, replaces nothing).
    let ascii = text.length === chunk.length;
    let pos = 0;
    if (skipLf) {
      skipLf = false;
      if (text.charCodeAt(0) === LF) {
        pos = 1;
        eventBytes++;
      }
    }
    if (carry !== '') {
      const rest = pos === 0 ? text : text.slice(pos);
      if (rest.indexOf('\n') === -1 && rest.indexOf('\r') === -1) {
        // Still no line end (e.g. one byte per chunk): append without rescanning the carry.
        carry += rest;
        carryAscii = carryAscii && ascii;
        carryBytes += ascii ? rest.length : Buffer.byteLength(rest);
        if (eventBytes + carryBytes > maxEventBytes) fail();
        return;
      }
      text = carry + rest;
      ascii = ascii && carryAscii;
      pos = 0;
      carry = '';
    }
    const length = text.length;
    let lineStart = pos;
    let nextCr = text.indexOf('\r', pos);
    while (pos < length) {
      let end = text.indexOf('\n', pos);
      let terminator = 1;
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      if (nextCr !== -1 && (end === -1 || nextCr < end)) {
        end = nextCr;
        if (end + 1 < length) terminator = text.charCodeAt(end + 1) === LF ? 2 : 1;
        else skipLf = true;
      } else if (end === -1) break;
      eventBytes += (ascii ? end - lineStart : Buffer.byteLength(text.slice(lineStart, end))) + terminator;
      if (eventBytes > maxEventBytes) {
        fail();
        return;
      }
      line(text, lineStart, end);
      pos = end + terminator;
      lineStart = pos;
    }
    if (lineStart < length) {
      carry = text.slice(lineStart);
      carryAscii = ascii;
      carryBytes = ascii ? carry.length : Buffer.byteLength(carry);
      if (eventBytes + carryBytes > maxEventBytes) fail();
    }
  }

  function reset(): void {
    decoder = new TextDecoder('utf-8');
    carry = '';
    carryAscii = true;
    carryBytes = 0;
    skipLf = false;
    failed = false;
    data = '';
    hasData = false;
    eventType = '';
    lastEventId = '';
    retry = undefined;
    eventBytes = 0;
  }

  return { feed, reset };
}

function digits(text: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  return value;
}

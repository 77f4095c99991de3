/**
 * Incremental WHATWG event-stream parser over raw bytes. Lines are split on bytes (CR, LF and ':'
 * never occur inside multi-byte UTF-8 sequences), so only field values are decoded, once each.
 * A line split across chunks is carried over as bytes, never as a half-decoded string.
 */
import type { SseEvent, SseParser, SseParserOptions } from './types.ts';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);

export function createSseParser(options: SseParserOptions): SseParser {
  const { onEvent, onError } = options;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;

  let carry: Uint8Array = EMPTY; // bytes of an unfinished line
  let atStreamStart = true; // the one BOM may only be stripped from the very first line
  let skipLf = false; // the previous chunk ended in CR: a leading LF belongs to it
  let failed = false;
  let data = '';
  let hasData = false;
  let eventType = '';
  let lastEventId = '';
  let retry: number | undefined;
  let eventBytes = 0;

  function fail(message: string): void {
    failed = true;
    carry = EMPTY;
    onError?.({ kind: 'event_too_large', message });
  }

  function dispatch(): void {
    const sizeBytes = eventBytes;
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
      sizeBytes,
    };
    data = '';
    hasData = false;
    eventType = '';
    retry = undefined;
    onEvent(event);
  }

  /** One complete line `buf[start, end)`, terminator excluded. */
  function line(buf: Uint8Array, start: number, end: number): void {
    if (atStreamStart) {
      atStreamStart = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf)
        start += 3;
    }
    if (start === end) {
      dispatch();
      return;
    }
    const first = buf[start];
    if (first === COLON) return; // comment
    let colon = start;
    while (colon < end && buf[colon] !== COLON) colon++;
    let valueStart = colon < end ? colon + 1 : end;
    if (valueStart < end && buf[valueStart] === SPACE) valueStart++;
    const nameLength = colon - start;
    // Field names compared on bytes: no string is made for unknown or ignored fields.
    if (nameLength === 4 && first === 0x64 && isName(buf, start, DATA)) {
      const value = decode(buf, valueStart, end);
      data = hasData ? `${data}\n${value}` : value;
      hasData = true;
    } else if (nameLength === 5 && first === 0x65 && isName(buf, start, EVENT)) {
      eventType = decode(buf, valueStart, end);
    } else if (nameLength === 2 && first === 0x69 && isName(buf, start, ID)) {
      const nul = buf.indexOf(0, valueStart);
      if (nul === -1 || nul >= end) lastEventId = decode(buf, valueStart, end);
    } else if (nameLength === 5 && first === 0x72 && isName(buf, start, RETRY)) {
      const value = parseDigits(buf, valueStart, end);
      if (value !== undefined) retry = value;
    }
  }

  function feed(chunk: Uint8Array): void {
    if (failed || chunk.length === 0) return;
    let buf = chunk;
    let pos = 0;
    if (skipLf) {
      skipLf = false;
      if (buf[0] === LF) {
        pos = 1;
        eventBytes++;
      }
    }
    let lineStart = pos;
    if (carry.length > 0) {
      // Join the unfinished line with this chunk; only the carried bytes are copied.
      const joined = new Uint8Array(carry.length + buf.length - pos);
      joined.set(carry, 0);
      joined.set(pos === 0 ? buf : buf.subarray(pos), carry.length);
      lineStart = 0;
      pos = carry.length;
      buf = joined;
      carry = EMPTY;
    }
    const length = buf.length;
    let nextCr = buf.indexOf(CR, pos);
    while (pos < length) {
      const nextLf = buf.indexOf(LF, pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = buf.indexOf(CR, pos);
      let end: number;
      let terminator: number;
      if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
        end = nextCr;
        if (end + 1 < length) terminator = buf[end + 1] === LF ? 2 : 1;
        else {
          terminator = 1;
          skipLf = true;
        }
      } else if (nextLf !== -1) {
        end = nextLf;
        terminator = 1;
      } else break;
      eventBytes += end - lineStart + terminator;
      if (eventBytes > maxEventBytes) {
        fail(`event exceeds ${maxEventBytes} bytes`);
        return;
      }
      line(buf, lineStart, end);
      pos = end + terminator;
      lineStart = pos;
    }
    if (lineStart < length) {
      if (eventBytes + (length - lineStart) > maxEventBytes) {
        fail(`event exceeds ${maxEventBytes} bytes`);
        return;
      }
      carry = buf.slice(lineStart);
    }
  }

  function reset(): void {
    carry = EMPTY;
    atStreamStart = true;
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

const DATA = bytes('data');
const EVENT = bytes('event');
const ID = bytes('id');
const RETRY = bytes('retry');

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function isName(buf: Uint8Array, start: number, name: Uint8Array): boolean {
  for (let i = 1; i < name.length; i++) if (buf[start + i] !== name[i]) return false;
  return true;
}

const decoder = new TextDecoder('utf-8');

function decode(buf: Uint8Array, start: number, end: number): string {
  if (start >= end) return '';
  // Pure ASCII values (most JSON) skip the UTF-8 decoder.
  if (end - start < 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if ((buf[i] as number) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  return decoder.decode(buf.subarray(start, end));
}

function parseDigits(buf: Uint8Array, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

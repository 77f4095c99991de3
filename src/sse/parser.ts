/**
 * The SSE parser: eventsource-parser (WHATWG rules, one leading BOM, CR/LF/CRLF split across
 * chunks, NUL ids, a buffer cap) behind our contract. A hand-written parser had to be 2× faster
 * to replace it and was not (`npm run bench:sse`). This wrapper adds what the engine needs:
 * streaming UTF-8 decoding of socket bytes, `event_too_large` and `retry`.
 *
 * Bytes are not counted here: the engine counts each chunk as it arrives (stream-request.ts), so
 * an event costs no byte arithmetic and events are dispatched as the library completes them.
 */
import { isAscii } from 'node:buffer';
import { createParser, type ParseError } from 'eventsource-parser';
import type { SseEvent, SseParser, SseParserOptions } from './types.ts';

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4 bytes). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** One options object for every chunk's decode, not a new literal per chunk. */
const STREAMING: TextDecodeOptions = { stream: true };

export function createSseParser(options: SseParserOptions): SseParser {
  const { onEvent, onError } = options;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  // Below this many code units an event cannot exceed the cap: no need to count its bytes.
  const surelySmall = Math.floor(maxEventBytes / MAX_UTF8_BYTES_PER_UNIT);
  // ignoreBOM: the decoder keeps a BOM so the parser strips exactly one, as the spec says.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let lastEventId = '';
  let retry: number | undefined;
  let failed = false;
  /** The last chunk ended on an ASCII byte: the decoder holds no partial character. */
  let decoderEmpty = true;

  const tooLarge = (): void => {
    if (failed) return;
    failed = true;
    onError?.({ kind: 'event_too_large', message: `event exceeds ${maxEventBytes} bytes` });
  };

  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent(message) {
      if (failed) return;
      const { data } = message;
      // The library caps what it buffers across chunks; an event complete within one chunk is checked here.
      if (
        data.length > surelySmall &&
        (data.length > maxEventBytes || Buffer.byteLength(data) > maxEventBytes)
      ) {
        tooLarge();
        return;
      }
      const eventRetry = retry;
      retry = undefined;
      onEvent({ type: message.event ?? 'message', data, lastEventId, retry: eventRetry });
    },
    // The last event ID buffer is set when the field is parsed and persists across events.
    onId(id) {
      lastEventId = id;
    },
    onRetry(ms) {
      retry = ms;
    },
    onError(error: ParseError) {
      if (error.type === 'max-buffer-size-exceeded') tooLarge();
    },
  });

  function feed(chunk: Uint8Array): void {
    if (failed || chunk.length === 0) return;
    // ASCII bytes are their own characters: an ASCII chunk after a chunk that ended on an ASCII
    // byte (so the decoder holds no partial character) is read as latin1, at about half the
    // cost of a streaming decode for the one-event chunks of a live stream.
    const last = chunk[chunk.length - 1]!;
    if (decoderEmpty && chunk instanceof Buffer && isAscii(chunk)) parser.feed(chunk.toString('latin1'));
    else parser.feed(decoder.decode(chunk, STREAMING));
    decoderEmpty = last < 0x80;
  }

  function reset(): void {
    parser.reset();
    // A decode without `stream` flushes the decoder and leaves it fresh: no new one per stream.
    decoder.decode();
    decoderEmpty = true;
    lastEventId = '';
    retry = undefined;
    failed = false;
  }

  return { feed, reset };
}

export type { SseEvent };

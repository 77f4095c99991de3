import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createSseParser } from './parser.ts';
import type { SseEvent } from './types.ts';

type Triple = [string, string, string];

function bytesOf(input: string): Uint8Array {
  // `\xHH` in the vectors are raw bytes: latin1 keeps them as single bytes.
  return Buffer.from(input, 'latin1');
}

function parseChunks(chunks: readonly Uint8Array[], maxEventBytes?: number) {
  const events: SseEvent[] = [];
  const errors: string[] = [];
  const parser = createSseParser({
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e.kind),
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
  });
  for (const c of chunks) parser.feed(c);
  return { events, errors };
}

function triples(events: readonly SseEvent[]): Triple[] {
  return events.map((e) => [e.type, e.data, e.lastEventId]);
}

function whole(input: Uint8Array): Triple[] {
  return triples(parseChunks([input]).events);
}

function byteByByte(input: Uint8Array): Triple[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) chunks.push(input.subarray(i, i + 1));
  return triples(parseChunks(chunks).events);
}

const m = 'message';
// Test vectors of the WHATWG event-stream parsing rules (CR, LF, CRLF, BOM, comments, retry, id,
// multi-line data), fed whole and byte by byte.
const VECTORS: [string, string, Triple[]][] = [
  ['1', 'data: hello\n\n', [[m, 'hello', '']]],
  ['2', 'data: a\r\ndata: b\r\n\r\n', [[m, 'a\nb', '']]],
  ['3', 'data: a\rdata: b\r\r', [[m, 'a\nb', '']]],
  ['4', 'data:test\r\ndata\ndata:test\r\n\r\n', [[m, 'test\n\ntest', '']]],
  ['7', '\xEF\xBB\xBFdata: 1\n\n', [[m, '1', '']]],
  ['8', '\xEF\xBB\xBF\xEF\xBB\xBFdata: 1\n\ndata: 2\n\n', [[m, '2', '']]],
  [
    '9',
    '\xEF\xBB\xBFdata: 1\n\n\xEF\xBB\xBFdata: 2\n\ndata: 3\n\n',
    [
      [m, '1', ''],
      [m, '3', ''],
    ],
  ],
  ['10a', ': ping\n\n:\n\n', []],
  ['10b', 'data: 1\n: note\ndata: 2\n\n', [[m, '1\n2', '']]],
  ['11a', 'event: ping\n\n', []],
  ['11b', 'event: ping\n\ndata: x\n\n', [[m, 'x', '']]],
  [
    '12',
    'data\n\ndata\ndata\n\ndata:\n\n',
    [
      [m, '', ''],
      [m, '\n', ''],
      [m, '', ''],
    ],
  ],
  [
    '13',
    'data:  two\n\ndata:\tx\n\ndata:x\n\n',
    [
      [m, ' two', ''],
      [m, '\tx', ''],
      [m, 'x', ''],
    ],
  ],
  [
    '14',
    'data: {"a":"b:c"}\n\ndata:: x\n\n',
    [
      [m, '{"a":"b:c"}', ''],
      [m, ': x', ''],
    ],
  ],
  ['15', 'Data: 1\ndata : 2\ndata_3\n data: 4\ndata:5\n\n', [[m, '5', '']]],
  [
    '16',
    'event: add\ndata: 1\n\nevent: a\nevent: b\ndata: 2\n\nevent:\ndata: 3\n\n',
    [
      ['add', '1', ''],
      ['b', '2', ''],
      [m, '3', ''],
    ],
  ],
  [
    '17',
    'id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n',
    [
      [m, 'a', '1'],
      [m, 'b', '1'],
      [m, 'c', ''],
    ],
  ],
  [
    '18',
    'id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n',
    [
      [m, 'a', '1'],
      [m, 'b', '1'],
    ],
  ],
  ['19', 'id: 7\n\ndata: x\n\n', [[m, 'x', '7']]],
  ['21a', 'data: a\n\ndata: b', [[m, 'a', '']]],
  ['21b', 'data: a\n\nid: 9\ndata: b\n', [[m, 'a', '']]],
  ['22', 'foo: bar\ndata: x\nbaz\n\n', [[m, 'x', '']]],
  ['23', 'data:\x00\n\n', [[m, '\u0000', '']]],
  [
    '24',
    'data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n',
    [[m, '\u0000\n 2\n1\n3\n\n4', '']],
  ],
  ['25b', 'data: \xF0\x9F\x98\x80\n\n', [[m, '😀', '']]],
  ['26', 'data: \xFF\xFE\n\n', [[m, '\uFFFD\uFFFD', '']]],
  [
    '27',
    '\n\n\ndata: 1\n\n\n\ndata: 2\n\n',
    [
      [m, '1', ''],
      [m, '2', ''],
    ],
  ],
  ['28', 'data: [DONE]\n\n', [[m, '[DONE]', '']]],
  ['29', 'data: {"t":"a\\nb"}\n\n', [[m, '{"t":"a\\nb"}', '']]],
  [
    '30',
    'data: 1\n\ndata: 2\n\n',
    [
      [m, '1', ''],
      [m, '2', ''],
    ],
  ],
];

describe('SSE parser: spec vectors', () => {
  for (const [name, input, expected] of VECTORS) {
    test(`vector ${name}`, () => {
      assert.deepEqual(whole(bytesOf(input)), expected, 'whole');
      assert.deepEqual(byteByByte(bytesOf(input)), expected, 'byte by byte');
    });
  }

  test('vector 5: CR ends one chunk, LF starts the next', () => {
    const r = parseChunks([bytesOf('data: a\r'), bytesOf('\ndata: b\r\n\r\n')]);
    assert.deepEqual(triples(r.events), [[m, 'a\nb', '']]);
  });

  test('vector 6: CR then CR across chunks dispatches', () => {
    const r = parseChunks([bytesOf('data: a\r'), bytesOf('\r')]);
    assert.deepEqual(triples(r.events), [[m, 'a', '']]);
  });

  test('vector 20: retry keeps the last all-digit value', () => {
    const r = parseChunks([bytesOf('retry: 3000\nretry: 1000x\nretry: -5\ndata: x\n\n')]);
    assert.equal(r.events[0]?.retry, 3000);
  });

  test('vector 25: a UTF-8 character split across chunks', () => {
    const r = parseChunks([bytesOf('data: \xC3'), bytesOf('\xA9\n\n')]);
    assert.deepEqual(triples(r.events), [[m, 'é', '']]);
  });

  test('an event over the cap is event_too_large and input is then ignored', () => {
    const big = `data: ${'x'.repeat(200)}\n\n`;
    const r = parseChunks([bytesOf('data: ok\n\n'), bytesOf(big), bytesOf('data: later\n\n')], 100);
    assert.deepEqual(triples(r.events), [[m, 'ok', '']]);
    assert.deepEqual(r.errors, ['event_too_large']);
  });

  test('an unterminated line over the cap fails without buffering it', () => {
    const parser = createSseParser({
      onEvent: () => {},
      onError: (e) => errors.push(e.kind),
      maxEventBytes: 64,
    });
    const errors: string[] = [];
    parser.feed(bytesOf('data: '));
    for (let i = 0; i < 10; i++) parser.feed(bytesOf('x'.repeat(20)));
    assert.deepEqual(errors, ['event_too_large']);
  });

  test('reset forgets the last event id and a partial line', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser({ onEvent: (e) => events.push(e) });
    parser.feed(bytesOf('id: 5\ndata: a\n\ndata: half'));
    parser.reset();
    parser.feed(bytesOf('data: b\n\n'));
    assert.deepEqual(triples(events), [
      [m, 'a', '5'],
      [m, 'b', ''],
    ]);
  });
});

describe('SSE parser: re-chunking', () => {
  const line = fc.constantFrom(
    'data: {"event":"text_chunk","data":{"text":"héllo 😀"}}',
    'data: x',
    'data',
    'event: ping',
    'id: 42',
    'retry: 10',
    ': comment',
    '',
    'data:  spaced',
  );
  const terminator = fc.constantFrom('\n', '\r\n', '\r');
  const stream = fc
    .array(fc.tuple(line, terminator), { maxLength: 30 })
    .map((parts) => Buffer.from(parts.map(([l, t]) => l + t).join(''), 'utf8'));

  test('every split of a stream yields the same events', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const offsets = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
          (a, b) => a - b,
        );
        const chunks: Uint8Array[] = [];
        let last = 0;
        for (const o of offsets) {
          chunks.push(bytes.subarray(last, o));
          last = o;
        }
        chunks.push(bytes.subarray(last));
        // Byte counts are no longer the parser's (the engine counts chunks): the events must be equal.
        assert.deepEqual(parseChunks(chunks).events, parseChunks([bytes]).events);
      }),
      { numRuns: 500 },
    );
  });
});

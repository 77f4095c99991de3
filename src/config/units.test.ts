import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DURATION_MS } from './limits.ts';
import {
  formatDuration,
  parseBool,
  parseDuration,
  parseHeaders,
  parseHttpUrl,
  parseJsonObject,
  parseList,
  parseNumber,
  parseOneOf,
  parseProxyUrl,
  parseSpec,
  parseStages,
  parseStrings,
  parseWait,
  ValueError,
} from './units.ts';

const refused = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof ValueError && message.test(error.message));

test('durations: units, compounds, bare seconds from files; zero and more than 7 days refused', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration(2), 2000, 'a config file number is seconds');
  refused(() => parseDuration('0s'), /expected a duration/);
  refused(() => parseDuration('soon'), /expected a duration like 30s/);
  refused(() => parseDuration(`${MAX_DURATION_MS / 1000 + 1}s`), /7 days/);
  assert.equal(formatDuration(30_000), '30s');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(parseDuration(formatDuration(1500)), 1500, 'what the form shows reads back the same');
});

test('wait: fixed, range, zero; a bad one is refused, never read as 0', () => {
  assert.deepEqual(parseWait('2s'), [2000, 2000]);
  assert.deepEqual(parseWait('500ms-2s'), [500, 2000]);
  assert.deepEqual(parseWait('0'), [0, 0]);
  assert.deepEqual(parseWait(1), [1000, 1000]);
  refused(() => parseWait('soon'), /expected a wait like 1s/);
  refused(() => parseWait('2s-1s'), /max below min/);
  refused(() => parseWait('1s-2s-3s'), /expected a wait/);
});

test('stages: the flag spec and a config file list; targets bounded', () => {
  assert.deepEqual(parseStages('30s:10,1m:0'), [
    { durationS: 30, target: 10 },
    { durationS: 60, target: 0 },
  ]);
  assert.deepEqual(parseStages([{ duration: '10s', target: 5 }]), [{ durationS: 10, target: 5 }]);
  refused(() => parseStages('30s'), /expected stages like/);
  refused(() => parseStages('30s:2000000'), /at most 1,000,000/);
});

test('headers: lines, lists and objects; header smuggling and bad names refused', () => {
  assert.deepEqual(parseHeaders('X-A: 1'), [['X-A', '1']]);
  assert.deepEqual(parseHeaders(['X-A: 1', 'X-B:2']), [
    ['X-A', '1'],
    ['X-B', '2'],
  ]);
  assert.deepEqual(parseHeaders({ 'X-A': 1 }), [['X-A', '1']]);
  refused(() => parseHeaders('no colon'), /expected 'Name: value'/);
  refused(() => parseHeaders('Bad Name: 1'), /not a valid header name/);
  refused(() => parseHeaders({ 'X-A': 'a\r\nX-Evil: 1' }), /line break/);
  for (const name of ['Transfer-Encoding', 'Expect', 'Upgrade', 'Keep-Alive', 'Connection', 'content-length'])
    refused(() => parseHeaders(`${name}: x`), /hop-by-hop header/);
});

test('numbers, rates, choices, lists, switches', () => {
  assert.equal(parseNumber('10', 1, true), 10);
  assert.equal(parseNumber(0.5, 0.01), 0.5);
  refused(() => parseNumber('1.5', 1, true), /expected an integer ≥ 1/);
  refused(() => parseNumber('0', 0.01), /a number ≥ 0.01/);
  refused(() => parseNumber('11', 0, true, 10), /at most 10/);
  assert.equal(parseOneOf(['a', 'b'], 'b'), 'b');
  refused(() => parseOneOf(['a', 'b'], 'c'), /one of a, b/);
  assert.deepEqual(parseList(['txt', 'json'], 'txt, json'), ['txt', 'json']);
  refused(() => parseList(['txt'], 'pdf', 'format'), /unknown format "pdf"/);
  assert.deepEqual(parseStrings('a'), ['a']);
  assert.equal(parseBool(''), true);
  assert.equal(parseBool('0'), false);
});

test('URLs: credentials refused and never echoed; proxies keep theirs; false goes direct', () => {
  assert.equal(parseHttpUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
  assert.throws(
    () => parseHttpUrl('http://user:hunter2@127.0.0.1'),
    (error: Error) => error instanceof ValueError && !error.message.includes('hunter2'),
  );
  refused(() => parseHttpUrl('ftp://127.0.0.1'), /http\(s\) URL/);
  // A path or query would pass the preflight (one whole URL) and fail every request of the run.
  refused(
    () => parseHttpUrl('http://127.0.0.1:8080?key=1'),
    /expected an origin .*--path '\/v1\/chat\/completions\?key=1'/,
  );
  refused(() => parseHttpUrl('http://127.0.0.1:8080/api/'), /expected an origin .*--path '\/api\/v1\/chat/);
  refused(() => parseHttpUrl('http://127.0.0.1:8080/#x'), /expected an origin/);
  assert.equal(parseProxyUrl('http://u:p@127.0.0.1:3128'), 'http://u:p@127.0.0.1:3128');
  assert.equal(parseProxyUrl(false), false);
  // host:port without a scheme is http, as curl reads it.
  assert.equal(parseProxyUrl('proxy.local:3128'), 'http://proxy.local:3128');
  refused(() => parseProxyUrl('proxy host:3128'), /proxy URL/);
});

test('JSON objects and key=value specs (a file may give the parts as an object)', () => {
  assert.deepEqual(parseJsonObject('{"a":1}'), { a: 1 });
  refused(() => parseJsonObject('[1]'), /JSON object/);
  // A spec parser in the shape of the controls' (RangeError on a bad spec).
  const pair = (text: string) => {
    const [a, b, extra] = text.split('..');
    if (a === undefined || b === undefined || extra !== undefined) throw new RangeError('expected MIN..MAX');
    return { a, b };
  };
  assert.deepEqual(parseSpec(pair, '1s..5s'), { a: '1s', b: '5s' });
  assert.deepEqual(parseSpec(pair, ['1s..5s']), { a: '1s', b: '5s' });
  refused(() => parseSpec(pair, '1s'), /MIN..MAX/);
});

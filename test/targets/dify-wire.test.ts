// biome-ignore-all lint/suspicious/noExplicitAny: the test reads loosely typed JSON events.
/**
 * The reference workflow server against a real Dify 1.13.2 (test/fixtures/dify-1.13/): for the
 * same two apps and requests, the same headers, first `event: ping`, event-name sequence, key
 * order and fields, and the same JSON spelling of blocking and error bodies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { pythonJson } from '../../src/targets/workflow-server/dify-json.ts';
import { loadDslFile } from '../../src/targets/workflow-server/dsl.ts';
import { startWorkflowTarget, type WorkflowTarget } from '../cli/helpers.ts';
import { RECORDINGS, readRecording, streamEvents } from '../dify-recordings.ts';

const fixture = (name: string) => fileURLToPath(new URL(name, RECORDINGS));

/** Keys in the order the JSON text has them. */
const keys = (value: unknown) => Object.keys(value as object);

/** The headers Dify sends that a client might read (Server and Date aside). */
const COMPARED = [
  'content-type',
  'transfer-encoding',
  'cache-control',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'x-version',
  'x-env',
  'vary',
];

function recordedHeaders(file: string): Record<string, string | undefined> {
  const recorded = new Map(readRecording(file).headers.map(([n, v]) => [n.toLowerCase(), v]));
  return Object.fromEntries(COMPARED.map((name) => [name, recorded.get(name)]));
}

function servedHeaders(headers: Record<string, string | string[] | undefined>) {
  return Object.fromEntries(COMPARED.map((name) => [name, headers[name] as string | undefined]));
}

/** Event by event: name, top-level keys, `data` keys, and message_end's metadata and usage keys. */
function assertSameEvents(served: Record<string, any>[], recorded: Record<string, any>[]) {
  assert.deepEqual(
    served.map((e) => e.event),
    recorded.map((e) => e.event),
    'event-name sequence',
  );
  recorded.forEach((want, i) => {
    const got = served[i] as Record<string, any>;
    const where = `event ${i} (${want.event})`;
    assert.deepEqual(keys(got), keys(want), `${where}: keys`);
    if (typeof want.data === 'object' && want.data !== null)
      assert.deepEqual(keys(got.data), keys(want.data), `${where}: data keys`);
    if (want.metadata !== undefined) {
      assert.deepEqual(keys(got.metadata), keys(want.metadata), `${where}: metadata keys`);
      assert.deepEqual(keys(got.metadata.usage), keys(want.metadata.usage), `${where}: usage keys`);
    }
  });
}

describe('the reference server answers as the recorded Dify 1.13.2', () => {
  let target: WorkflowTarget;
  before(async () => {
    target = await startWorkflowTarget(
      { firstTokenMs: 1, interTokenMs: 1, tokens: [2, 2] },
      {
        apps: {
          'app-echo': loadDslFile(fixture('simple_passthrough_workflow.yml')),
          'app-answer': loadDslFile(fixture('answer_end_with_text.yml')),
          'app-if': loadDslFile(fixture('conditional_hello_branching_workflow.yml')),
        },
      },
    );
  });
  after(() => target.close());

  const post = (path: string, key: string, body: unknown) =>
    request(`${target.server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  for (const [title, file, path, key, body] of [
    [
      'workflow Start → End',
      'real-dify-echo-workflow-streaming.txt',
      '/v1/workflows/run',
      'app-echo',
      { inputs: { query: 'hello' }, response_mode: 'streaming', user: 'u1' },
    ],
    [
      'chatflow Start → Answer',
      'real-dify-answer-chatflow-streaming.txt',
      '/v1/chat-messages',
      'app-answer',
      { inputs: {}, query: 'hello', response_mode: 'streaming', user: 'u1' },
    ],
  ] as const) {
    test(`${title}, streaming: headers, the first ping, events, key order, fields`, async () => {
      const res = await post(path, key, body);
      const text = await res.body.text();
      assert.equal(res.statusCode, 200, text);
      assert.deepEqual(servedHeaders(res.headers), recordedHeaders(file));
      const recorded = readRecording(file).body.toString('utf8');
      assert.ok(recorded.startsWith('event: ping\n\n'));
      assert.ok(text.startsWith('event: ping\n\n'), text.slice(0, 80));
      assertSameEvents(streamEvents(text), streamEvents(recorded));
      // The same outputs for the same input.
      const output = (events: Record<string, any>[]) =>
        events
          .filter((e) => e.event === 'text_chunk' || e.event === 'message')
          .map((e) => e.data?.text ?? e.answer);
      assert.deepEqual(output(streamEvents(text)), output(streamEvents(recorded)));
    });
  }

  for (const query of ['hello', 'other']) {
    test(`IF/ELSE workflow (${query}): the taken branch's End streams its output once, the other none`, async () => {
      const file = `real-dify-ifelse-workflow-streaming-${query}.txt`;
      const res = await post('/v1/workflows/run', 'app-if', {
        inputs: { query },
        response_mode: 'streaming',
        user: 'u1',
      });
      const served = streamEvents(await res.body.text());
      const recorded = streamEvents(readRecording(file).body.toString('utf8'));
      const chunks = (events: Record<string, any>[]) =>
        events.filter((e) => e.event === 'text_chunk').map((e) => e.data.text);
      assert.deepEqual(chunks(served), chunks(recorded));
      // Dify sends it just before the IF/ELSE node's node_finished; here it follows that event
      // (the branch is decided after the node finished): the same events, one place apart.
      const names = (events: Record<string, any>[]) => events.map((e) => e.event).sort();
      assert.deepEqual(names(served), names(recorded));
    });
  }

  test('workflow Start → End, blocking: headers, key order and Python JSON spacing', async () => {
    const file = 'real-dify-echo-workflow-blocking.txt';
    const res = await post('/v1/workflows/run', 'app-echo', {
      inputs: { query: 'hello' },
      response_mode: 'blocking',
      user: 'u1',
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, text);
    const expected = recordedHeaders(file);
    assert.deepEqual(
      { ...servedHeaders(res.headers), 'content-length': undefined },
      { ...expected, 'content-length': undefined },
    );
    const recorded = readRecording(file).body.toString('utf8');
    const [got, want] = [JSON.parse(text), JSON.parse(recorded)];
    assert.deepEqual(keys(got), keys(want));
    assert.deepEqual(keys(got.data), keys(want.data));
    assert.equal(pythonJson(want), recorded, 'the recording is Python-spaced, without a final newline');
    assert.equal(text, pythonJson(got));
    assert.deepEqual(got.data.outputs, want.data.outputs);
  });

  test('an error body is byte for byte the recorded one', async () => {
    const res = await post('/v1/workflows/run', 'app-WrongKeyWrongKeyWrongKey', {
      inputs: { query: 'hello' },
      response_mode: 'blocking',
      user: 'u1',
    });
    const recorded = readFileSync(new URL('console/07-service-api.txt', RECORDINGS), 'utf8');
    const line = recorded
      .split('\n')
      .find((l) => l.startsWith('{"code": "unauthorized", "message": "Access token'));
    assert.equal(res.statusCode, 401);
    assert.equal(await res.body.text(), `${line}\n`);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api"');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-version'], '1.13.2');
  });
});

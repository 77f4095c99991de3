/**
 * Dify's own fixtures state what they output ("outputs {"num": 5}", …): the reference server must
 * give exactly that, and send the events Dify sends for branches, iterations and loops.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { readDslFile } from '../../src/targets/workflow-server/dsl.ts';
import { hasPython } from '../../src/targets/workflow-server/nodes/python.ts';
import { startWorkflowTarget, type WorkflowTarget } from '../cli/helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/dify-dsl/${name}`, import.meta.url));
const python = hasPython();
const needsPython = python ? {} : { skip: 'no python3 here' };

// biome-ignore lint/suspicious/noExplicitAny: event payloads are read loosely
type Event = Record<string, any>;

describe('Dify fixtures give the outputs Dify documents for them', () => {
  let target: WorkflowTarget;
  const files = [
    'array_iteration_formatting_workflow.yml',
    'iteration_flatten_output_enabled_workflow.yml',
    'iteration_flatten_output_disabled_workflow.yml',
    'increment_loop_with_break_condition_workflow.yml',
    'conditional_parallel_code_execution_workflow.yml',
    'dual_switch_variable_aggregator_workflow.yml',
    'conditional_hello_branching_workflow.yml',
    'iteration_contains_answer.yml',
    'loop_contains_answer.yml',
    'test_streaming_conversation_variables.yml',
    'test_complex_branch.yml',
    'template_greeting.yml',
  ];

  before(async () => {
    const apps = Object.fromEntries(files.map((f) => [f, readDslFile(fixture(f), { python }).app]));
    target = await startWorkflowTarget({ firstTokenMs: 1, interTokenMs: 1, tokens: [3, 3] }, { apps });
  });
  after(() => target?.close());

  async function stream(key: string, path: string, body: Record<string, unknown>): Promise<Event[]> {
    const res = await request(`${target.server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ response_mode: 'streaming', user: 'u', ...body }),
    });
    const text = await res.body.text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as Event);
  }
  const workflow = async (key: string, inputs: Record<string, unknown>) => {
    const events = await stream(key, '/v1/workflows/run', { inputs });
    const finished = events.find((e) => e.event === 'workflow_finished');
    assert.equal(finished?.data.status, 'succeeded', JSON.stringify(finished?.data.error));
    return { events, outputs: finished?.data.outputs };
  };
  const chat = async (key: string, query: string) => {
    const events = await stream(key, '/v1/chat-messages', { inputs: {}, query });
    // Dify 1.13: message_end, then workflow_finished with the verdict.
    assert.deepEqual(
      events.slice(-2).map((e) => e.event),
      ['message_end', 'workflow_finished'],
    );
    return events
      .filter((e) => e.event === 'message')
      .map((e) => e.answer)
      .join('');
  };

  test(
    'iteration: outputs per item, flattened or not, with iteration_started/next/completed',
    needsPython,
    async () => {
      const { events, outputs } = await workflow('array_iteration_formatting_workflow.yml', {});
      assert.deepEqual(outputs, { output: ['output: 1', 'output: 2', 'output: 3'] });
      const names = events.map((e) => e.event);
      assert.equal(names.filter((n) => n === 'iteration_started').length, 1);
      assert.equal(names.filter((n) => n === 'iteration_next').length, 3);
      assert.equal(names.filter((n) => n === 'iteration_completed').length, 1);
      const inner = events.filter(
        (e) => e.event === 'node_finished' && e.data.node_type === 'template-transform',
      );
      assert.deepEqual(
        inner.map((e) => [e.data.iteration_id, e.data.execution_metadata.iteration_index]),
        [
          ['1754683430480', 0],
          ['1754683430480', 1],
          ['1754683430480', 2],
        ],
      );
      assert.ok(!events.some((e) => e.event === 'node_started' && e.data.node_type === 'iteration'));
      assert.deepEqual((await workflow('iteration_flatten_output_enabled_workflow.yml', {})).outputs, {
        output: [1, 2, 2, 4, 3, 6],
      });
      assert.deepEqual((await workflow('iteration_flatten_output_disabled_workflow.yml', {})).outputs, {
        output: [
          [1, 2],
          [2, 4],
          [3, 6],
        ],
      });
    },
  );

  test('loop: runs until its break condition, with loop_* events', async () => {
    const { events, outputs } = await workflow('increment_loop_with_break_condition_workflow.yml', {});
    assert.deepEqual(outputs, { num: 5 });
    assert.equal(events.filter((e) => e.event === 'loop_next').length, 4);
    assert.equal(events.find((e) => e.event === 'loop_completed')?.data.outputs.num, 5);
  });

  test('branches and joins: only the chosen branch runs, a join runs once', needsPython, async () => {
    assert.deepEqual(
      (await workflow('conditional_parallel_code_execution_workflow.yml', { switch: 1 })).outputs,
      {
        1: 'Code 1',
        2: 'Code 2',
        3: null,
      },
    );
    const other = await workflow('conditional_parallel_code_execution_workflow.yml', { switch: 2 });
    assert.deepEqual(other.outputs, { 1: null, 2: 'Code 2', 3: 'Code 3' });
    assert.equal(
      other.events.filter((e) => e.event === 'node_started' && e.data.node_type === 'end').length,
      1,
    );
  });

  test('IF/ELSE with the aggregator groups; conditional End', async () => {
    assert.deepEqual(
      (await workflow('dual_switch_variable_aggregator_workflow.yml', { switch1: 1, switch2: 0 })).outputs,
      {
        group1: 'switch 1 on',
        group2: 'switch 2 off',
      },
    );
    const hello = await workflow('conditional_hello_branching_workflow.yml', { query: 'hello' });
    const ends = (events: Event[]) =>
      events.filter((e) => e.event === 'node_started' && e.data.node_type === 'end').map((e) => e.data.title);
    assert.deepEqual(ends(hello.events), ['End']);
    const ifElse = hello.events.find((e) => e.event === 'node_finished' && e.data.node_type === 'if-else');
    assert.deepEqual(ifElse?.data.outputs, { result: true, selected_case_id: 'true' });
    assert.deepEqual(
      ends((await workflow('conditional_hello_branching_workflow.yml', { query: 'other' })).events),
      ['End 2'],
    );
  });

  test('chatflow answers: inside containers per round, after them, conversation variables, branch answers', async () => {
    assert.equal(await chat('iteration_contains_answer.yml', 'hi'), 'apple\nbanana\ndone');
    assert.equal(await chat('loop_contains_answer.yml', 'hello'), '1\n2\nhello + 2');
    assert.equal(await chat('test_streaming_conversation_variables.yml', 'my query'), 'my query');
    assert.match(await chat('test_complex_branch.yml', 'hello'), /^contains 'hello'/);
    assert.doesNotMatch(await chat('test_complex_branch.yml', 'bye'), /contains 'hello'/);
  });

  test('template-transform renders Jinja with nunjucks (bare graph without app: section)', async () => {
    assert.deepEqual((await workflow('template_greeting.yml', { name: 'Ada' })).outputs, {
      out: 'Hello, Ada!',
    });
  });
});

describe('nodes no fixture uses: JavaScript code, list operator, HTTP to loopback, retrieval, parameter extractor', () => {
  const DSL = `app: {mode: workflow, name: handmade}
workflow:
  graph:
    edges:
    - {source: start, target: code}
    - {source: code, target: list}
    - {source: list, target: http}
    - {source: http, target: kr}
    - {source: kr, target: pe}
    - {source: pe, target: end}
    nodes:
    - id: start
      data: {type: start, title: Start, variables: [{variable: q, type: text-input}, {variable: url, type: text-input}]}
    - id: code
      data:
        type: code
        title: Split
        code_language: javascript
        code: "function main({q}) { return { words: q.split(' '), n: q.length } }"
        variables: [{variable: q, value_selector: [start, q]}]
        outputs: {words: {type: 'array[string]'}, n: {type: number}}
    - id: list
      data: {type: list-operator, title: First two, variable: [code, words], limit: {enabled: true, size: 2}}
    - id: http
      data:
        type: http-request
        title: Ping
        method: get
        url: '{{#start.url#}}'
        headers: ''
        params: ''
        body: {type: none}
        error_strategy: default-value
        default_value: [{key: body, value: fallback}, {key: status_code, value: 0}]
    - id: kr
      data: {type: knowledge-retrieval, title: Retrieve, query_variable_selector: [start, q], dataset_ids: [d1], multiple_retrieval_config: {top_k: 2}}
    - id: pe
      data:
        type: parameter-extractor
        title: Extract
        model: {name: m, mode: chat}
        query: [start, q]
        parameters: [{name: city, type: string}, {name: count, type: number}]
    - id: end
      data:
        type: end
        title: End
        outputs:
        - {variable: words, value_selector: [list, result]}
        - {variable: n, value_selector: [code, n]}
        - {variable: body, value_selector: [http, body]}
        - {variable: passages, value_selector: [kr, result]}
        - {variable: city, value_selector: [pe, city]}
        - {variable: count, value_selector: [pe, count]}
`;
  let target: WorkflowTarget;
  let pong: import('node:http').Server;
  let pongUrl: string;

  before(async () => {
    const { createServer } = await import('node:http');
    const { listenLocal } = await import('../cli/helpers.ts');
    pong = createServer((_req, res) => res.end('pong'));
    pongUrl = await listenLocal(pong);
    const { parseDsl } = await import('../../src/targets/workflow-server/dsl.ts');
    target = await startWorkflowTarget(
      { firstTokenMs: 1, interTokenMs: 1, tokens: [3, 3] },
      { apps: { handmade: parseDsl(DSL, 'handmade.yml') }, retrievalMs: 50 },
    );
  });
  after(async () => {
    await target?.close();
    pong?.close();
  });

  async function run(url: string) {
    const res = await request(`${target.server.url}/v1/workflows/run`, {
      method: 'POST',
      headers: { authorization: 'Bearer handmade', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { q: 'one two three', url }, response_mode: 'blocking', user: 'u' }),
    });
    return (await res.body.json()) as Event;
  }

  test('they run in a chain and give typed outputs', async () => {
    const started = performance.now();
    const { data } = await run(`${pongUrl}/ping`);
    assert.equal(data.status, 'succeeded', data.error);
    assert.deepEqual(data.outputs.words, ['one', 'two']);
    assert.equal(data.outputs.n, 13);
    assert.equal(data.outputs.body, 'pong');
    assert.equal(data.outputs.passages.length, 2);
    assert.match(data.outputs.passages[0].content, /one two three/);
    assert.equal(data.outputs.city, '', 'a mock answer is no JSON: typed placeholders');
    assert.equal(data.outputs.count, 0);
    assert.ok(performance.now() - started >= 50, 'the retrieval latency knob is applied');
  });

  test("a failing HTTP request takes the node's default values (error_strategy)", async () => {
    const closed = createClosedPort();
    const { data } = await run(`http://127.0.0.1:${await closed}/`);
    assert.equal(data.status, 'succeeded');
    assert.equal(data.outputs.body, 'fallback');
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function createClosedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk untyped Dify JSON.
/** Every mock LLM fault maps to Dify's failed node + failed workflow_finished (chat: error event); DSL files fail with file:line. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { createSseParser } from '../../src/sse/parser.ts';
import type { MockFault } from '../../src/targets/mock-llm/options.ts';
import { startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { BUILTIN_APPS } from '../../src/targets/workflow-server/builtin-apps.ts';
import { DslError, parseDsl } from '../../src/targets/workflow-server/dsl.ts';
import { startWorkflowServer } from '../../src/targets/workflow-server/server.ts';

function payloads(text: string): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  createSseParser({ onEvent: (e) => out.push(JSON.parse(e.data)) }).feed(Buffer.from(text));
  return out;
}

// stall is left out: it never ends on its own, which is the client's timeout to detect, not a mapping.
const FAULTS: MockFault[] = ['http_500', 'rate_limit', 'reset', 'stream_error'];

describe('upstream faults', () => {
  for (const fault of FAULTS) {
    test(`${fault} ends the run with a failed node_finished then workflow_finished`, async () => {
      const llm = await startMockLlm({
        port: 0,
        firstTokenMs: 1,
        interTokenMs: 1,
        tokens: [4, 4],
        faultRates: { [fault]: 1 },
      });
      const server = await startWorkflowServer({ port: 0, llmUrl: llm.url, apps: BUILTIN_APPS });
      try {
        const res = await request(`${server.url}/v1/workflows/run`, {
          method: 'POST',
          headers: { authorization: 'Bearer app-llm', 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: { question: 'q' }, response_mode: 'streaming', user: 'u' }),
          headersTimeout: 5_000,
          bodyTimeout: 5_000,
        });
        assert.equal(res.statusCode, 200);
        const events = payloads(await res.body.text());
        const names = events.map((e) => e.event);
        assert.deepEqual(names.slice(0, 4), [
          'workflow_started',
          'node_started',
          'node_finished',
          'node_started',
        ]);
        const finished = events.at(-1);
        assert.equal(finished?.event, 'workflow_finished');
        assert.equal(finished?.data.status, 'failed');
        assert.ok(finished?.data.error.length > 0);
        assert.equal(events.at(-2)?.event, 'node_finished');
        assert.equal(events.at(-2)?.data.status, 'failed');
        assert.ok(!names.includes('error'));
        const runId = finished?.workflow_run_id;
        const detail = await request(`${server.url}/v1/workflows/run/${runId}`, {
          headers: { authorization: 'Bearer app-llm' },
        });
        assert.equal(((await detail.body.json()) as { status: string }).status, 'failed');
      } finally {
        await server.close();
        await llm.close();
      }
    });
  }

  test('a chat app upstream failure ends with an error event', async () => {
    const llm = await startMockLlm({
      port: 0,
      firstTokenMs: 1,
      interTokenMs: 1,
      faultRates: { http_500: 1 },
    });
    const server = await startWorkflowServer({ port: 0, llmUrl: llm.url, apps: BUILTIN_APPS });
    try {
      const res = await request(`${server.url}/v1/chat-messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer app-chat', 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'hi', inputs: {}, response_mode: 'streaming', user: 'u' }),
        bodyTimeout: 5_000,
      });
      const events = payloads(await res.body.text());
      assert.equal(events.at(-1)?.event, 'error');
      assert.ok(!events.some((e) => e.event === 'message_end'));
    } finally {
      await server.close();
      await llm.close();
    }
  });
});

describe('DSL load errors name file:line', () => {
  const start = `    - id: s
      data: {type: start, title: S, variables: []}`;
  const end = `    - id: e
      data: {type: end, title: E, outputs: []}`;
  const doc = (nodes: string, edges: string) =>
    `app: {mode: workflow, name: x}\nworkflow:\n  graph:\n    edges:\n${edges}\n    nodes:\n${nodes}\n`;
  const cases: [string, string, RegExp][] = [
    ['YAML syntax', 'app: {mode: workflow\nworkflow: [', /^f\.yml:\d+: invalid YAML/],
    [
      'no start node',
      doc(end, '    - {source: s, target: e}'),
      /^f\.yml:\d+: expected exactly one start node/,
    ],
    [
      'edge to a missing node',
      doc(`${start}\n${end}`, '    - {source: s, target: ghost}'),
      /^f\.yml:\d+: an edge points to unknown node ghost/,
    ],
    [
      'unknown node type',
      doc(
        `${start}\n    - id: c\n      data: {type: quantum-oracle, title: C}\n${end}`,
        '    - {source: s, target: c}\n    - {source: c, target: e}',
      ),
      /^f\.yml:\d+: node type "quantum-oracle" is not supported/,
    ],
    ['chain without an end', doc(start, '      []'), /^f\.yml:\d+: the graph has no end node/],
    [
      'chat app without a model',
      'app: {mode: chat, name: x}\n',
      /^f\.yml:1: a chat app needs a model_config section/,
    ],
    ['unknown app mode', 'app: {mode: robot, name: x}\n', /^f\.yml:1: app\.mode "robot" is not supported/],
    [
      'no app section and no graph',
      'meta: {name: sketch}\nnodes:\n  - {id: a, type: start}\n',
      /^f\.yml:1: not a Dify app export: no app: section/,
    ],
  ];
  for (const [name, text, pattern] of cases) {
    test(name, () => {
      assert.throws(
        () => parseDsl(text, 'f.yml'),
        (error: unknown) => {
          assert.ok(error instanceof DslError);
          assert.match(error.message, pattern);
          return true;
        },
      );
    });
  }

  test('a valid two-node chain loads', () => {
    const app = parseDsl(doc(`${start}\n${end}`, '    - {source: s, target: e}'), 'f.yml');
    assert.equal(app.mode, 'workflow');
    if (app.mode === 'workflow')
      assert.deepEqual(
        [...app.graph.nodes.values()].map((n) => n.type),
        ['start', 'end'],
      );
  });
});

test('an idle stream gets Dify pings (event line, no data) at the configured interval', async () => {
  const llm = await startMockLlm({ port: 0, firstTokenMs: 150, interTokenMs: 1, tokens: [2, 2] });
  const server = await startWorkflowServer({
    port: 0,
    llmUrl: llm.url,
    apps: BUILTIN_APPS,
    pingIntervalMs: 30,
  });
  try {
    const res = await request(`${server.url}/v1/workflows/run`, {
      method: 'POST',
      headers: { authorization: 'Bearer app-llm', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { question: 'q' }, response_mode: 'streaming', user: 'u' }),
      bodyTimeout: 5_000,
    });
    const text = await res.body.text();
    assert.match(text, /(^|\n)event: ping\n\n/);
    // A data-less block is not dispatched by a WHATWG parser, so count the wire bytes.
    const pings = text.split('event: ping\n\n').length - 1;
    assert.ok(pings >= 2, `expected ≥ 2 pings during a 150 ms wait, saw ${pings}`);
    assert.equal(payloads(text).at(-1)?.event, 'workflow_finished');
  } finally {
    await server.close();
    await llm.close();
  }
});

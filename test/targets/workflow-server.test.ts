// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk untyped Dify JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { createSseParser } from '../../src/sse/parser.ts';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { BUILTIN_APPS } from '../../src/targets/workflow-server/builtin-apps.ts';
import { loadDslFile } from '../../src/targets/workflow-server/dsl.ts';
import { startWorkflowServer, type WorkflowServer } from '../../src/targets/workflow-server/server.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('workflow server over HTTP', () => {
  let llm: MockLlm;
  let server: WorkflowServer;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 2, interTokenMs: 1, tokens: [3, 3] });
    server = await startWorkflowServer({
      port: 0,
      llmUrl: llm.url,
      apps: {
        ...BUILTIN_APPS,
        'app-dsl': loadDslFile(fixture('summarize.yml')),
        'app-flow': loadDslFile(fixture('chatflow.yml')),
      },
    });
  });
  after(async () => {
    await server.close();
    await llm.close();
  });

  async function call(path: string, key: string, body: unknown) {
    const res = await request(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
  }

  function payloads(text: string): Record<string, any>[] {
    const out: Record<string, any>[] = [];
    createSseParser({ onEvent: (e) => out.push(JSON.parse(e.data)) }).feed(Buffer.from(text));
    return out;
  }

  test('Start → End streams as Dify 1.13 does: the End output as text_chunk before Start finishes', async () => {
    const res = await call('/v1/workflows/run', 'app-empty', {
      inputs: { query: 'hi' },
      response_mode: 'streaming',
      user: 'u',
    });
    assert.match(res.type, /^text\/event-stream/);
    const events = payloads(res.text);
    assert.deepEqual(
      events.map((e) => e.event),
      [
        'workflow_started',
        'node_started',
        'text_chunk',
        'node_finished',
        'node_started',
        'node_finished',
        'workflow_finished',
      ],
    );
    assert.deepEqual(events[2]?.data, { from_variable_selector: ['1754154032319', 'query'], text: 'hi' });
    assert.deepEqual(events.at(-1)?.data.outputs, { query: 'hi' });
    assert.equal(events.at(-1)?.data.total_steps, 2);
  });

  test('LLM workflow streams text_chunk between the LLM node start and finish', async () => {
    const res = await call('/v1/workflows/run', 'app-llm', {
      inputs: { question: 'q' },
      response_mode: 'streaming',
      user: 'u',
    });
    const names = payloads(res.text).map((e) => e.event);
    assert.deepEqual(names, [
      'workflow_started',
      'node_started',
      'node_finished',
      'node_started',
      'text_chunk',
      'text_chunk',
      'text_chunk',
      'node_finished',
      'node_started',
      'node_finished',
      'workflow_finished',
    ]);
    const finished = payloads(res.text).at(-1);
    assert.equal(finished?.data.status, 'succeeded');
    assert.ok(finished?.data.total_tokens > 3);
  });

  test('a DSL app renders node references and maps End outputs', async () => {
    const res = await call('/v1/workflows/run', 'app-dsl', {
      inputs: { topic: 'SSE' },
      response_mode: 'blocking',
      user: 'ann',
    });
    const body = JSON.parse(res.text);
    assert.equal(body.data.status, 'succeeded');
    assert.equal(body.data.outputs.topic, 'SSE');
    assert.equal(typeof body.data.outputs.summary, 'string');
    const detail = await request(`${server.url}/v1/workflows/run/${body.workflow_run_id}`, {
      headers: { authorization: 'Bearer app-dsl' },
    });
    assert.equal(((await detail.body.json()) as { status: string }).status, 'succeeded');
  });

  test('chat app streams message events then message_end', async () => {
    const res = await call('/v1/chat-messages', 'app-chat', {
      query: 'hi',
      inputs: {},
      response_mode: 'streaming',
      user: 'u',
    });
    const names = payloads(res.text).map((e) => e.event);
    assert.deepEqual(names, ['message', 'message', 'message', 'message_end']);
  });

  test('a chatflow (advanced-chat) streams its Answer as message events, then message_end', async () => {
    // The DSL names gpt-3.5-turbo, outside the mock LLM's listed models: it runs all the same.
    const res = await call('/v1/chat-messages', 'app-flow', {
      query: 'hello',
      inputs: {},
      response_mode: 'streaming',
      user: 'u',
    });
    assert.equal(res.status, 200);
    const events = payloads(res.text);
    const names = events.map((e) => e.event);
    // The Answer's literal prefix needs no node: Dify sends it once the first node ran, before
    // that node's node_finished; the verdict (workflow_finished) comes after message_end.
    assert.deepEqual(names.slice(0, 4), ['workflow_started', 'node_started', 'message', 'node_finished']);
    assert.deepEqual(names.slice(-5), [
      'node_finished',
      'node_started',
      'node_finished',
      'message_end',
      'workflow_finished',
    ]);
    assert.ok(!names.includes('text_chunk'), 'a chatflow streams through message events only');
    const messages = events.filter((e) => e.event === 'message');
    assert.equal(messages.length, 4, 'the literal prefix, then one per token (3)');
    const answer = messages.map((m) => m.answer).join('');
    assert.ok(answer.startsWith('Bot: ') && answer.length > 6, answer);
    const finished = events.find((e) => e.event === 'workflow_finished') as Record<string, any>;
    assert.equal(finished.data.status, 'succeeded');
    assert.equal(finished.data.outputs.answer, answer);
    const end = events.at(-2) as Record<string, any>;
    assert.equal(end.id, messages[0]?.id);
    assert.equal(end.metadata.usage.completion_tokens, 3);
    assert.ok(events.every((e) => typeof e.conversation_id === 'string' && e.task_id === events[0]?.task_id));
    const blocking = await call('/v1/chat-messages', 'app-flow', { query: 'hi', inputs: {}, user: 'u' });
    assert.equal(JSON.parse(blocking.text).mode, 'advanced-chat');
    assert.equal(JSON.parse(blocking.text).answer.startsWith('Bot: '), true);
    const wrongRoute = await call('/v1/workflows/run', 'app-flow', { inputs: {}, user: 'u' });
    assert.equal(JSON.parse(wrongRoute.text).code, 'not_workflow_app');
  });

  test('Dify-shaped errors', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['/v1/workflows/run', 'app-empty', { inputs: {}, user: 'u' }, 400, 'invalid_param'],
      ['/v1/workflows/run', 'app-empty', { inputs: { query: 'x' } }, 400, 'invalid_param'],
      [
        '/v1/workflows/run',
        'app-dsl',
        { inputs: { topic: 'x'.repeat(30) }, user: 'u' },
        400,
        'invalid_param',
      ],
      ['/v1/workflows/run', 'app-nope', { inputs: {}, user: 'u' }, 401, 'unauthorized'],
      ['/v1/workflows/run', 'app-empty', '{oops', 400, 'bad_request'],
      ['/v1/workflows/run', 'app-chat', { inputs: {}, user: 'u' }, 400, 'not_workflow_app'],
      ['/v1/nowhere', 'app-empty', {}, 404, 'not_found'],
      ['/v1/workflows/run', 'app-empty', 'x'.repeat(2 * 1024 * 1024), 413, 'request_entity_too_large'],
    ];
    for (const [path, key, body, status, code] of cases) {
      const res = await call(path, key, body);
      assert.equal(res.status, status, `${path} ${key}`);
      assert.equal(JSON.parse(res.text).code, code);
    }
  });

  test('routing answers as Dify (Flask) does: the key before a 404, 405 for a wrong method', async () => {
    const send = async (method: string, path: string, key?: string) => {
      const res = await request(`${server.url}${path}`, {
        method,
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      });
      return { status: res.statusCode, code: ((await res.body.json()) as { code?: string }).code };
    };
    assert.deepEqual(await send('GET', '/v1/nowhere'), { status: 401, code: 'unauthorized' });
    assert.deepEqual(await send('GET', '/v1/nowhere', 'app-empty'), { status: 404, code: 'not_found' });
    assert.deepEqual(await send('GET', '/nowhere'), { status: 404, code: 'not_found' });
    assert.deepEqual(await send('GET', '/v1/chat-messages', 'app-chat'), {
      status: 405,
      code: 'method_not_allowed',
    });
    assert.deepEqual(await send('DELETE', '/v1/parameters', 'app-empty'), {
      status: 405,
      code: 'method_not_allowed',
    });
    assert.equal((await send('GET', '/health')).status, 200);
  });

  test('an unreachable LLM fails the node and the run (workflow_finished failed)', async () => {
    const broken = await startWorkflowServer({ port: 0, llmUrl: 'http://127.0.0.1:9', apps: BUILTIN_APPS });
    try {
      const res = await request(`${broken.url}/v1/workflows/run`, {
        method: 'POST',
        headers: { authorization: 'Bearer app-llm', 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { question: 'q' }, response_mode: 'streaming', user: 'u' }),
      });
      const events = payloads(await res.body.text());
      assert.equal(events.at(-1)?.event, 'workflow_finished');
      assert.equal(events.at(-1)?.data.status, 'failed');
      assert.equal(events.at(-2)?.event, 'node_finished');
      assert.equal(events.at(-2)?.data.status, 'failed');
    } finally {
      await broken.close();
    }
  });

  test('stop ends a running task with status stopped', async () => {
    const slow = await startMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 50, tokens: [100, 100] });
    const s = await startWorkflowServer({ port: 0, llmUrl: slow.url, apps: BUILTIN_APPS });
    try {
      const res = await request(`${s.url}/v1/workflows/run`, {
        method: 'POST',
        headers: { authorization: 'Bearer app-llm', 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { question: 'q' }, response_mode: 'streaming', user: 'u' }),
      });
      let text = '';
      let stopped = false;
      for await (const chunk of res.body) {
        text += chunk.toString();
        const taskId = /"task_id":"([^"]+)"/.exec(text)?.[1];
        if (!stopped && taskId !== undefined && text.includes('text_chunk')) {
          stopped = true;
          const stop = await request(`${s.url}/v1/workflows/tasks/${taskId}/stop`, {
            method: 'POST',
            headers: { authorization: 'Bearer app-llm', 'content-type': 'application/json' },
            body: JSON.stringify({ user: 'u' }),
          });
          assert.deepEqual(await stop.body.json(), { result: 'success' });
        }
      }
      assert.equal(payloads(text).at(-1)?.data.status, 'stopped');
    } finally {
      await s.close();
      await slow.close();
    }
  });

  test('a DSL file it cannot run stops startup with file:line and reason', () => {
    const r = spawnSync(
      process.execPath,
      [MAIN, 'serve', 'workflow', '--port', '0', '--app', `k=${fixture('bad-node.yml')}`],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad-node\.yml:13: node type "quantum-oracle" is not supported/);
  });
});

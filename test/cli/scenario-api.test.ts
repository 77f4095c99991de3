/**
 * The scenario API as documented: README's example, copied verbatim into a folder outside the
 * checkout, imports 'streamload' and runs against the embedded targets (its ctx.http call carries
 * the API key: no 401); the chat example carries the first turn's conversation_id into the second;
 * request checks count per name and a failing one fails its request.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempDir } from './helpers.ts';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const CHAT_EXAMPLE = fileURLToPath(new URL('../../examples/chat-conversation.ts', import.meta.url));
const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' };

/** `run --scenario ./<file>` from `dir` (the CLI's working directory) against the embedded targets. */
function runScenario(dir: string, file: string, users: number, iterations: number, extra: string[] = []) {
  const args = ['run', ...extra, '--scenario', `./${file}`, '--users', String(users), '--iterations'];
  return runCli([...args, String(iterations), '--out', join(dir, 'out'), '--json-summary'], {
    env: noProxy,
    timeoutMs: 120_000,
    cwd: dir,
  });
}

/** The first ```ts block of README's "Scenario files" section. */
function readmeScenario(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('### Scenario files'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'README has a scenario example');
  return match[1]!;
}

test("README's scenario example runs from a folder outside the checkout; ctx.http carries the key", {
  timeout: 150_000,
}, async () => {
  const dir = tempDir(); // under os.tmpdir(): no node_modules/streamload anywhere above it
  const file = join(dir, 'my-scenario.ts');
  writeFileSync(file, readmeScenario());
  const r = await runScenario(dir, 'my-scenario.ts', 4, 20);
  assert.equal(r.code, 0, r.stderr);
  const summary = r.summary!;
  assert.equal(summary.totals.requests, 20);
  assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errorSamples));
  const info = summary.requests.find((e: { name: string }) => e.name === '/v1/info');
  assert.ok(info === undefined || info.failures === 0, 'ctx.http was not refused (401)');
  const checks = summary.checks['info names the app'];
  if (info !== undefined) assert.deepEqual(checks, { passes: info.requests, fails: 0 });
  assert.match(r.stderr, /Checks/);
});

test('the chat example reuses the conversation_id the first turn returned', {
  timeout: 150_000,
}, async () => {
  const dir = tempDir();
  copyFileSync(CHAT_EXAMPLE, join(dir, 'chat.ts'));
  const r = await runScenario(dir, 'chat.ts', 3, 12, ['--protocol', 'chat']);
  assert.equal(r.code, 0, r.stderr);
  const summary = r.summary!;
  assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errorSamples));
  const turns = (name: string) => summary.requests.find((e: { name: string }) => e.name === name)?.requests;
  // --iterations counts requests: 12 in all; a task that finds the budget spent after its first
  // turn ends there (at most one such task per user).
  assert.equal(turns('turn 1') + turns('turn 2'), 12);
  assert.ok(turns('turn 2') > 0 && turns('turn 1') - turns('turn 2') <= 3, JSON.stringify(summary.requests));
  assert.deepEqual(summary.checks['turn 2 continued the conversation'], {
    passes: turns('turn 2'),
    fails: 0,
  });
  assert.deepEqual(summary.checks['turn 1 returned a conversation_id'], {
    passes: turns('turn 1'),
    fails: 0,
  });
});

test('a failing request check fails its request as invalid_response and counts per name', {
  timeout: 150_000,
}, async () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'checks.ts'),
    `import { defineScenario } from 'streamload';
export default defineScenario({ users: [{ name: 'u', tasks: [{ name: 't', async run(ctx) {
  const res = await ctx.http({ path: '/v1/parameters', check: { 'has user_input_form': (r) => Array.isArray(r.json().user_input_form), 'impossible': () => false } });
  ctx.check('status is 200', res.status === 200);
  ctx.check('header seen', res.headers['content-type']?.includes('json'));
} }] }] });
`,
  );
  const r = await runScenario(dir, 'checks.ts', 2, 6);
  assert.notEqual(r.code, 2, r.stderr);
  const summary = r.summary!;
  assert.equal(summary.totals.requests, 6);
  assert.equal(summary.errors.invalid_response, 6);
  assert.match(summary.errorSamples.invalid_response, /check "impossible" failed/);
  assert.deepEqual(summary.checks, {
    'has user_input_form': { passes: 6, fails: 0 },
    impossible: { passes: 0, fails: 6 },
    'status is 200': { passes: 6, fails: 0 },
    'header seen': { passes: 6, fails: 0 },
  });
});

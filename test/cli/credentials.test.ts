/**
 * Where the API key comes from: flags > STREAMLOAD_* env > config file (k6's order), and the
 * banner names the source, never the key. A `./streamload.yml` left by `setup` must not beat an
 * explicit STREAMLOAD_API_KEY (a chat run then used the workflow key and failed its preflight).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startWorkflowTarget, tempDir, type WorkflowTarget } from './helpers.ts';

describe('API key precedence: flags > env > config file', () => {
  let target: WorkflowTarget;
  let dir: string;
  before(async () => {
    target = await startWorkflowTarget({ firstTokenMs: 1, interTokenMs: 1, tokens: [2, 2] });
    dir = tempDir();
    // What setup leaves: a key that this server does not know.
    writeFileSync(
      join(dir, 'streamload.yml'),
      `target: ${target.server.url}\nprotocol: workflow\napiKey: app-from-the-file\ninputs: {query: hi}\nsetup: {console: x, apps: []}\n`,
    );
  });
  after(() => target.close());

  const run = (env: Record<string, string>, ...flags: string[]) =>
    runCli(
      ['run', '--iterations', '2', '--users', '1', '--json-summary', '--out', join(dir, 'out'), ...flags],
      {
        cwd: dir,
        timeoutMs: 60_000,
        env,
      },
    );

  test('STREAMLOAD_API_KEY beats ./streamload.yml, named in the banner without its value', async () => {
    const r = await run({ STREAMLOAD_API_KEY: 'app-empty' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^config: \.\/streamload\.yml/m);
    assert.match(r.stderr, /^api key: from STREAMLOAD_API_KEY$/m);
    assert.doesNotMatch(r.stderr + r.stdout, /app-empty|app-from-the-file/);
  });

  test('--api-key beats the env (what was typed is not repeated); a file is named as the source', async () => {
    const flag = await run({ STREAMLOAD_API_KEY: 'app-nope' }, '--api-key', 'app-empty');
    assert.equal(flag.code, 0, flag.stderr);
    assert.doesNotMatch(flag.stderr, /^api key:/m);
    writeFileSync(
      join(dir, 'with-header.yml'),
      `target: ${target.server.url}\nprotocol: workflow\ninputs: {query: hi}\nheader: ['Cookie: session=secret-cookie']\n`,
    );
    const header = await run({ STREAMLOAD_API_KEY: 'app-empty' }, '--config', 'with-header.yml');
    assert.equal(header.code, 0, header.stderr);
    assert.match(header.stderr, /^api key: from STREAMLOAD_API_KEY$/m);
    assert.match(header.stderr, /^credential header: from with-header\.yml \(config file\)$/m);
    assert.doesNotMatch(header.stderr + header.stdout, /secret-cookie/);
    const file = await run({});
    assert.equal(file.code, 2, 'the file key is unknown here: the preflight says so');
    assert.match(file.stderr, /^api key: from streamload\.yml \(config file\)$/m);
  });
});

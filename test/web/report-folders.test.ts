// Runs started from the page: each writes its own report folder (`web --out DIR` gave every run the
// same one, so the second overwrote the first), and the embedded targets (child processes on this
// machine) start only from a UI started for them: with `web --target URL`, an omitted target is
// that URL and an emptied one is refused.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { tempDir } from '../cli/helpers.ts';
import { postJson, startWebCli, type WebCli, waitForView } from './helpers.ts';

describe('web --out DIR --target URL', { timeout: 150_000 }, () => {
  let llm: MockLlm;
  let web: WebCli;
  const out = join(tempDir(), 'reports');
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 1, tokens: [3, 3] });
    web = await startWebCli([
      'web',
      '--web-port',
      '0',
      '--out',
      out,
      '--target',
      llm.url,
      '--protocol',
      'openai',
      '--users',
      '1',
      '--run-time',
      '1s',
    ]);
  });
  after(async () => {
    await web?.stop();
    await llm?.close();
  });

  async function runFromPage(): Promise<string> {
    const started = await postJson(web.url, '/api/start', { protocol: 'openai', users: '1', runTime: '1s' });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    const view = await waitForView(web.url, (v) => v.state === 'finished', 60_000);
    return String(view.reportDir ?? '');
  }

  test('two runs from the page write two folders, DIR and DIR-2', async () => {
    await runFromPage();
    const first = readFileSync(join(out, 'run.json'), 'utf8');
    await runFromPage();
    assert.ok(existsSync(join(`${out}-2`, 'run.json')), 'the second run has its own folder');
    assert.equal(readFileSync(join(out, 'run.json'), 'utf8'), first, "the first run's reports are untouched");
  });

  test('an emptied target is refused; an omitted one is the --target the UI was started with', async () => {
    const before = llm.stats().requests;
    const empty = await postJson(web.url, '/api/start', {
      target: '',
      protocol: 'openai',
      users: '1',
      runTime: '1s',
    });
    assert.equal(empty.status, 400, JSON.stringify(empty.json));
    assert.match(
      String(empty.json.error),
      /^target: give the URL to load; this UI was started with --target/,
    );
    assert.doesNotMatch(web.output(), /embedded targets/);
    await runFromPage();
    assert.ok(llm.stats().requests > before, 'the omitted target was the --target');
    assert.ok(existsSync(join(`${out}-3`, 'run.json')));
  });
});

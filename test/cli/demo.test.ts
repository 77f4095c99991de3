/**
 * The commands a new user types first: `streamload demo --quick` and `streamload run` without
 * `--target` (embedded targets in a child process). Both must work from a clean clone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readRun, runCli, tempDir } from './helpers.ts';

describe('embedded targets', () => {
  test('demo --quick runs its three parts and writes their reports', { timeout: 90_000 }, async () => {
    const prefix = join(tempDir(), 'stamp');
    const r = await runCli(['demo', '--quick', '--out', prefix], { timeoutMs: 85_000 });
    assert.equal(r.code, 0, r.stderr);
    for (const part of ['llm', 'qps']) {
      const dir = `${prefix}-demo-${part}`;
      assert.ok(r.stdout.includes(`${dir}/report.html`), r.stdout);
      assert.ok(existsSync(join(dir, 'report.html')));
      const run = readRun(dir);
      assert.ok(run.totals.requests > 0, `${part}: requests`);
      assert.equal(run.totals.failures, 0, `${part}: failures`);
    }
    assert.ok(readRun(`${prefix}-demo-llm`).totals.events > 0, 'the LLM part streamed events');
    // The quick find-limit: 10 then 20 users, both below the mock's knee.
    assert.match(r.stdout, /^limit: at least 20 users/m);
    assert.ok(existsSync(join(`${prefix}-demo-find-limit`, 'find-limit.json')));
  });

  test('run without --target starts the embedded targets and stops them', { timeout: 20_000 }, async () => {
    const out = tempDir();
    const r = await runCli(
      ['run', '--scenario', 'llm', '--iterations', '6', '--users', '3', '--out', out, '--json-summary'],
      { timeoutMs: 18_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.summary?.totals.requests, 6);
    assert.equal(r.summary?.totals.failures, 0);
    assert.equal(r.summary?.histograms, undefined, 'the JSON summary omits histograms');
    assert.ok(existsSync(join(out, 'run.json')));
  });
});

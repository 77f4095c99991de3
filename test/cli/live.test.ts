/**
 * The live console: plain appended lines when stdout is not a TTY (no cursor escapes), and on
 * stderr when stdout carries the JSON summary, so the last stdout line stays parseable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, tempDir } from './helpers.ts';

const LOAD = ['run', '--scenario', 'llm', '--users', '2', '--run-time', '2500ms', '--live-interval', '1s'];

describe('live view', () => {
  test('not a TTY: plain lines on stdout, no escape codes', { timeout: 20_000 }, async () => {
    const r = await runCli([...LOAD, '--out', tempDir()], { timeoutMs: 18_000 });
    assert.equal(r.code, 0, r.stderr);
    const live = r.stdout.split('\n').filter((line) => line.includes('TTFE avg'));
    assert.ok(live.length >= 1, r.stdout);
    assert.ok(r.stdout.includes('active connections'));
    assert.ok(r.stdout.includes('generator: loop delay'));
    assert.ok(!r.stdout.includes('\x1b['), 'no cursor escapes when not a TTY');
  });

  test('--json-summary: live output on stderr, one JSON object last on stdout', {
    timeout: 20_000,
  }, async () => {
    const r = await runCli([...LOAD, '--out', tempDir(), '--json-summary'], { timeoutMs: 18_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes('TTFE avg'), r.stderr);
    assert.ok(!r.stdout.includes('TTFE avg'));
    assert.ok(r.summary !== undefined, r.stdout);
    assert.ok(r.summary.totals.requests > 0);
  });
});

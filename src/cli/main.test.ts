import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { memoryState } from '../global-state.ts';
import { VERSION } from '../version.ts';
import { main } from './main.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
}

test('VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
});

test('--help lists the commands and exits 0', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  for (const name of ['run', 'demo', 'serve', 'report', 'compare'])
    assert.match(r.stdout, new RegExp(`\\b${name}\\b`));
});

test('an unknown option exits 2 with one line naming it', () => {
  const r = cli('--no-such-flag');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--no-such-flag/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

// In process, through an injected GlobalState (k6's cmd/state): no child, no real stdio.
test('main() writes to the state it is given and resolves with the exit code', async () => {
  const state = memoryState();
  assert.equal(await main(['--no-such-flag'], state), 2);
  assert.deepEqual(state.out, []);
  assert.match(state.err.join(''), /^streamload: .*--no-such-flag.*\n$/);

  const help = memoryState();
  assert.equal(await main(['--help'], help), 0);
  assert.match(help.out.join(''), /\bcompare\b/);
  assert.deepEqual(help.err, []);
});

test("a command's exit code comes back from main() (report: a missing run.json is bad usage)", async () => {
  const state = memoryState();
  const code = await main(['report', '/nonexistent/streamload-test/run.json'], state);
  assert.equal(code, 2);
  assert.equal(state.err.join('').trim().split('\n').length, 1, state.err.join(''));
});

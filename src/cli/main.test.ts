import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { VERSION } from '../version.ts';

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

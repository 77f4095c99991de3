// The bin on a Node older than package.json's engines: one line naming the version needed and the
// way that works, exit 1 — not a stack trace from undici or the .ts loader.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/streamload.js', import.meta.url));

/** The machine's own `node` binaries older than 22 (Debian's node 20), if any. */
function oldNodes(): string[] {
  const found: string[] = [];
  for (const path of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.slice(1).split('.')[0]) < 22) found.push(path);
    } catch {
      // not installed here
    }
  }
  return found;
}

const olds = oldNodes();

test('an unsupported Node gets one line and exit 1', {
  skip: olds.length === 0 && 'no Node < 22 on this machine',
}, async () => {
  const r = await runCli([BIN, 'run', '--users', '1', '--run-time', '1s'], { command: olds[0] });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0]!,
    /^streamload: Node 22\.19 or newer is needed \(this is Node 2\d\.[\d.]+\); .*`npm run streamload -- <command>`/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('the supported Node runs the bin as before', async () => {
  const r = await runCli([BIN, '--version'], { command: process.execPath });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\d+\.\d+\.\d+/);
});

/**
 * A stop signal that arrives after the reports were written (issue 29 low): the run is over, its
 * verdict stands: exit 0, not 143 (killed by SIGTERM) while the embedded targets shut down.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers.ts';

test('SIGTERM after the reports line: the run’s own exit code, no second stop', {
  timeout: 120_000,
}, async () => {
  const out = tempDir();
  const r = await runCli(['run', '--users', '1', '--run-time', '2s', '--out', out], {
    timeoutMs: 90_000,
    onSpawn: (child) => {
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => {
        stdout += String(d);
        if (/^reports: /m.test(stdout) && !stdout.includes('#sent')) {
          stdout += '#sent';
          // Every 5 ms until it exits: one lands while the embedded targets shut down.
          const timer = setInterval(() => child.kill('SIGTERM'), 5);
          child.on('exit', () => clearInterval(timer));
        }
      });
    },
  });
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(-600)}`);
  assert.doesNotMatch(r.stdout, /SIGTERM: stopping/);
  assert.ok(existsSync(join(out, 'run.json')));
});

/**
 * Disk full while the reports are written (issue 29 M12): the `--json-summary` line and the
 * verdict still come, the file that could not be written is named with ENOSPC, no `.tmp` is left
 * behind, exit 2. The full disk is a real 64 KiB tmpfs (root only: skipped elsewhere).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, systemCommand, tempDir, withMockLlm } from './helpers.ts';

/** A 64 KiB tmpfs at a fresh folder, or null when this user may not mount one. */
function tinyDisk(): string | null {
  const dir = tempDir();
  try {
    execFileSync(systemCommand('mount'), ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

const disk = process.getuid?.() === 0 ? tinyDisk() : null;

test('M12: ENOSPC while writing reports: the summary line, the named file, no .tmp, exit 2', {
  skip: disk === null ? 'needs root to mount a tmpfs' : false,
  timeout: 120_000,
}, async () => {
  const mount = disk as string;
  try {
    await withMockLlm({ port: 0, firstTokenMs: 2, interTokenMs: 1, tokens: [4, 4] }, async (llm) => {
      const out = join(mount, 'run');
      const r = await runCli(
        [
          ...['run', '--target', llm.url, '--protocol', 'openai', '--users', '2', '--iterations', '10'],
          ...['--out', out, '--json-summary'],
        ],
        { timeoutMs: 60_000 },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.summary?.totals.requests, 10, r.stdout);
      assert.match(
        r.stderr,
        /^streamload: cannot write .*\/run\/[\w.]+ \(ENOSPC: no space left on device\): the reports in .* are incomplete$/m,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.deepEqual(
        readdirSync(out).filter((name) => name.endsWith('.tmp')),
        [],
      );
    });
  } finally {
    execFileSync(systemCommand('umount'), [mount], { stdio: 'pipe' });
    rmSync(mount, { recursive: true, force: true });
  }
});

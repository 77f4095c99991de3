/**
 * A `--processes` session driven in-process through `main()` with memoryState(): its output and
 * its stop signal go through the injected GlobalState, not the real process (cli/scale-out.ts
 * reads no process global).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { memoryState } from '../../src/global-state.ts';
import { readRun, tempDir, withMockLlm } from './helpers.ts';

test('run --processes 2 with memoryState(): the summary in its output, a stop through its signal', {
  timeout: 120_000,
}, async () => {
  const out = tempDir();
  try {
    await withMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 2, tokens: [4, 4] }, async (llm) => {
      const state = memoryState({ cwd: out });
      const args = ['run', '--target', llm.url, '--protocol', 'openai', '--users', '2', '--run-time', '60s'];
      const running = main(
        [...args, '--processes', '2', '--live-interval', '1h', '--format', 'json', '--out', join(out, 'r')],
        state,
      );
      // Stop once the children are loading: the second process signal handler would be the real process's.
      for (let i = 0; i < 600 && !state.err.concat(state.out).join('').includes('load: '); i++)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      state.signal('SIGINT');
      const code = await running;
      assert.equal(code, 0, state.err.join(''));
      const run = readRun(join(out, 'r'));
      assert.equal(run.status, 'stopped');
      assert.ok(run.totals.requests > 0, 'both processes loaded before the stop');
      assert.match(state.out.join(''), /requests/);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

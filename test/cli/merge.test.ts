/**
 * `streamload merge` compares the segments' configurations without the options that are
 * per-segment by their table entry (`perSegment`): two `--segment` runs that differ only in how
 * each reports (`--format`, `--live-interval`, `--json-summary`, `--out`) are one run. merge's and
 * report's own options come from a config file here.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun, runCli, tempDir, withMockLlm } from './helpers.ts';

test('merge accepts segments that differ only in per-segment options (--format, --live-interval, --json-summary)', async () => {
  const out = tempDir();
  const mock = {
    port: 0,
    host: '127.0.0.1',
    firstTokenMs: 1,
    interTokenMs: 1,
    tokens: [4, 4] as [number, number],
  };
  try {
    await withMockLlm(mock, async (llm) => {
      // Time for both processes to load before the common start on a busy machine.
      const startAt = String(Date.now() + 10_000);
      const segment = (i: number, extra: string[]) =>
        runCli(
          ['run', '--target', llm.url, '--protocol', 'openai', '--iterations', '20', '--users', '2']
            .concat(['--segment', `${i}/2`, '--start-at', startAt, '--out', join(out, `s${i}`)])
            .concat(extra),
          { timeoutMs: 120_000 },
        );
      const [a, b] = await Promise.all([
        segment(1, ['--format', 'json', '--live-interval', '1h']),
        segment(2, ['--format', 'json,txt', '--live-interval', '30m', '--json-summary']),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      // merge's own options from a config file (out, format), as every command's may be.
      const mergeConfig = join(out, 'merge.yml');
      writeFileSync(mergeConfig, `out: ${JSON.stringify(join(out, 'm'))}\nformat: json\n`);
      const merged = await runCli(['merge', join(out, 's1'), join(out, 's2'), '--config', mergeConfig], {
        timeoutMs: 60_000,
      });
      assert.equal(merged.code, 0, merged.stderr);
      assert.deepEqual(readdirSync(join(out, 'm')), ['run.json']);
      const run = readRun(join(out, 'm'));
      assert.equal(run.totals.requests, 20);
      assert.equal(run.partial, null);
      // report's too: the merged run re-rendered as markdown only, into the folder the file names.
      const reportConfig = join(out, 'report.yml');
      writeFileSync(reportConfig, `format: [md]\nout: ${JSON.stringify(join(out, 'r'))}\n`);
      const report = await runCli(['report', join(out, 'm', 'run.json'), '--config', reportConfig]);
      assert.equal(report.code, 0, report.stderr);
      assert.deepEqual(readdirSync(join(out, 'r')), ['report.md']);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

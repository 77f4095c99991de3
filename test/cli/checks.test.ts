// Checks that must happen before any load: a bad value is exit 2 with one line, and the target
// never sees a request (the mock LLM counts every request it receives, preflight included).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { MAIN, readRun, runCli, tempDir } from './helpers.ts';

describe('checked before the load', () => {
  let llm: MockLlm;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 1, tokens: [4, 4] });
  });
  after(() => llm.close());

  const openai = () => ['run', '--target', llm.url, '--protocol', 'openai'];

  async function refused(args: readonly string[], message: RegExp): Promise<void> {
    const before = llm.stats().requests;
    const started = performance.now();
    const r = await runCli([...openai(), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(llm.stats().requests, before, 'no request reached the target');
    assert.ok(performance.now() - started < 12_000, 'refused at once');
  }

  test('a misspelled threshold names the nearest valid metric', async () => {
    await refused(
      ['--threshold', 'bogus.p95<5'],
      /--threshold: .*unknown metric "bogus" \(did you mean "ttfb\.p95"\?\)/,
    );
    await refused(['--threshold', 'ttef.p95<500ms'], /unknown metric "ttef" \(did you mean "ttfe\.p95"\?\)/);
  });

  test('a threshold the run can never measure, or a rate of 1 or more without %, is refused before the load', async () => {
    await refused(
      ['--scenario', 'blocking', '--threshold', 'ttfe.p95<500ms'],
      /^streamload: --threshold: threshold "ttfe\.p95<500ms": the blocking scenario sends blocking requests, which have no ttfe .*: use request_duration or ttfb$/,
    );
    await refused(
      ['--threshold', 'ttft_scheduled.p95<1s'],
      /^streamload: --threshold: .*ttft_scheduled is measured from the scheduled start of an open-model run \(--rate\).*use ttft$/,
    );
    await refused(['--threshold', 'node_duration.LLM.p95<2s'], /--protocol openai has no nodes/);
    await refused(
      ['--threshold', 'error_rate<1'],
      /^streamload: --threshold: threshold "error_rate<1": a rate is a fraction of 1 \(1 = 100 %\): write "error_rate<1%" for 1 per cent, or "error_rate<0\.01"$/,
    );
    await refused(
      ['--threshold', 'operations.success_rate>=99'],
      /"operations\.success_rate>=99%" .* "operations\.success_rate>=0\.99"/,
    );
  });

  test('durations past Node timers, and absurd users or rates, are refused', async () => {
    await refused(['--run-time', '600h'], /--run-time: at most 168h/);
    await refused(['--live-interval', '600h'], /--live-interval: at most 168h/);
    await refused(['--stages', '100h:1,100h:2'], /--stages: the stages last 200h, at most 168h/);
    await refused(['--users', '1e9'], /--users: at most 1,000,000/);
    await refused(['--rate', '1e9'], /--rate: at most 100,000/);
  });

  test('a bad --out is found before the load: a file, under a file, unwritable, empty', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await refused(
      ['--out', file],
      /--out: cannot write reports to ".*a-file" \(a file of that name exists\)/,
    );
    await refused(
      ['--out', join(file, 'sub')],
      /--out: cannot write reports to .*\(a part of the path is a file\)/,
    );
    await refused(['--out', ''], /--out: empty path/);
    let unwritable = '/proc';
    if (process.getuid?.() !== 0) {
      unwritable = join(dir, 'read-only');
      mkdirSync(unwritable);
      chmodSync(unwritable, 0o555);
    }
    await refused(['--out', unwritable], /--out: cannot write reports to/);
  });

  test('rps.avg, eps.avg and cps.avg are the throughput series', async () => {
    const out = tempDir();
    const r = await runCli(
      [
        ...openai(),
        '--users',
        '2',
        '--run-time',
        '3s',
        '--out',
        out,
        '--threshold',
        'rps.avg>=1',
        '--threshold',
        'eps.avg>0',
        '--threshold',
        'cps.max<1000000000',
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const run = readRun(out);
    assert.deepEqual(
      run.thresholds.map((t) => t.ok),
      [true, true, true],
    );
    assert.equal(run.thresholds[0]?.actual, run.throughput.requests.avg);
    assert.equal(run.thresholds[1]?.actual, run.throughput.events.avg);
  });

  test('two runs started in the same second write two folders', async () => {
    const cwd = tempDir();
    const args = [...openai(), '--iterations', '2', '--users', '1'];
    const [a, b] = await Promise.all([runCli(args, { cwd }), runCli(args, { cwd })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const folders = readdirSync(join(cwd, 'reports'));
    assert.equal(folders.length, 2, folders.join(', '));
    for (const f of folders) assert.ok(existsSync(join(cwd, 'reports', f, 'run.json')), f);
  });

  test('--users above the open-file limit of one process warns before the start', {
    skip: process.platform === 'win32',
  }, async () => {
    const withLimit = (extra: readonly string[]) =>
      runCli(
        [
          '-c',
          `ulimit -n 200 && exec "${process.execPath}" "${MAIN}" "$@"`,
          'sh',
          ...openai(),
          '--users',
          '300',
          '--iterations',
          '1',
          '--out',
          tempDir(),
          ...extra,
        ],
        { command: 'sh', timeoutMs: 60_000 },
      );
    const one = await withLimit([]);
    assert.match(one.stderr, /300 users in one process is above the open-file limit \(ulimit -n = 200\)/);
    // Two processes hold 150 users each: under the limit, no warning.
    const two = await withLimit(['--processes', '2']);
    assert.doesNotMatch(two.stderr, /open-file limit/);
  });
});

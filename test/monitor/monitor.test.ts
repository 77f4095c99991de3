/**
 * `--monitor` end to end with the real CLI, against real processes, a real dockerd and Debian's
 * node_exporter, all on this machine: run.json, every history row, stats_history.csv, report.md,
 * report.html and the console carry the target's resources; a source that cannot be read is exit 2
 * before any load.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FindLimitJson } from '../../src/find-limit/report.ts';
import { ARTIFACTS, launchChromium } from '../browser.ts';
import { MAIN, readRun, runCli, tempDir, withMockLlm } from '../cli/helpers.ts';
import { freePort, waitForPort } from '../transport/real-servers.ts';
import { startWebCli } from '../web/helpers.ts';
import { startDockerd, startNodeExporter } from './real-targets.ts';

const SCHEMA = JSON.parse(readFileSync(new URL('../../schemas/run.schema.json', import.meta.url), 'utf8'));

/**
 * The CPU % a busy loop must show: it holds a core on a quiet machine (> 20 %); when other work
 * already loads every core twice over, its fair share is what it gets, and clearly busy (> 5 %)
 * is what counts.
 */
function busyFloor(): number {
  return (loadavg()[0] ?? 0) > 2 * cpus().length ? 5 : 20;
}

/**
 * A short openai run against `origin` watching `monitor` (sampled every 500 ms), reports in a new
 * folder; `extra` adds flags (`--processes 2`, `--segment 1/2 …`, `--format json`).
 */
async function monitoredRun(
  origin: string,
  monitor: readonly string[],
  { env = {}, extra = [] }: { env?: Record<string, string>; extra?: readonly string[] } = {},
) {
  const out = tempDir();
  const result = await runCli(
    [
      'run',
      '--target',
      origin,
      '--protocol',
      'openai',
      '--scenario',
      'chat-completions',
      '--users',
      '2',
      '--run-time',
      extra.length === 0 ? '4s' : '3s',
      '--monitor-interval',
      '500ms',
      '--live-interval',
      '2s',
      '--out',
      out,
      ...monitor.flatMap((m) => ['--monitor', m]),
      ...extra,
    ],
    { timeoutMs: 90_000, env },
  );
  return { ...result, out };
}

describe('--monitor pid: and cmd: on a real mock LLM process', () => {
  let llm: ChildProcess;
  let origin: string;
  let port: number;
  before(async () => {
    port = await freePort();
    llm = spawn(process.execPath, [MAIN, 'serve', 'llm', '--port', String(port), '--first-token-ms', '20'], {
      stdio: 'ignore',
    });
    await waitForPort(port, llm, 'serve llm', () => '');
    origin = `http://127.0.0.1:${port}`;
  });
  after(() => {
    llm.kill('SIGKILL');
  });

  test('CPU and RSS per second in run.json, history, stats_history.csv, report.md, report.html and the console', async () => {
    const pid = `pid:${llm.pid}`;
    // The port makes the pattern this test's own process (other tests may run mock LLMs too).
    const cmd = `cmd:serve llm --port ${port} `;
    const r = await monitoredRun(origin, [pid, cmd]);
    assert.equal(r.code, 0, r.stderr);
    const run = readRun(r.out);
    for (const source of [pid, cmd]) {
      const m = run.monitor?.[source];
      assert.ok(m, `${source} in run.json: ${JSON.stringify(run.monitor)}`);
      assert.equal(m.kind, source.slice(0, source.indexOf(':')));
      assert.ok(m.samples >= 4, `${source}: ${m.samples} samples in 4 s at 500 ms`);
      assert.ok((m.summary.rss_bytes?.min ?? 0) > 10 * 1024 * 1024, 'a node process holds > 10 MiB');
      assert.ok((m.summary.cpu_pct?.max ?? 0) > 0, 'serving streams costs CPU');
      assert.equal(m.summary.processes?.max, 1);
    }
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMA);
    assert.ok(validate(run), JSON.stringify(validate.errors?.slice(0, 3)));
    const rows = run.history.filter((h) => h.monitor?.[pid] !== undefined);
    assert.ok(rows.length >= 3, `history rows with a sample: ${rows.length} of ${run.history.length}`);
    assert.ok(rows.every((h) => typeof h.monitor?.[pid]?.rss_bytes === 'number'));
    const csv = readFileSync(join(r.out, 'stats_history.csv'), 'utf8').split('\n');
    assert.ok(csv[0]?.includes(`${pid} cpu_pct`), csv[0]);
    assert.ok(csv[0]?.includes(`${pid} rss_bytes`), csv[0]);
    const md = readFileSync(join(r.out, 'report.md'), 'utf8');
    assert.match(md, /## Target resources/);
    assert.match(md, new RegExp(`\\| ${pid} \\| rss_bytes \\|`));
    const html = readFileSync(join(r.out, 'report.html'), 'utf8');
    assert.match(html, /id="chart-monitor-0-cpu"/);
    assert.match(html, /id="chart-monitor-1-memory"/);
    assert.match(r.stdout, new RegExp(`target ${pid}: cpu_pct [0-9.]+%, rss_bytes`));
    assert.match(r.stdout, /Target resources \(--monitor\)/);
  });

  test('find-limit: each step carries the target CPU and memory, in find-limit.json, report.md and the knee page', async () => {
    const out = tempDir();
    const pid = `pid:${llm.pid}`;
    const r = await runCli(
      [
        'find-limit',
        '--target',
        origin,
        '--protocol',
        'openai',
        '--users',
        '2',
        '--max-users',
        '4',
        '--slo',
        'ttft<5s',
        '--step-time',
        '2s',
        '--warmup',
        '1s',
        '--budget',
        '2m',
        '--monitor',
        pid,
        '--monitor-interval',
        '500ms',
        '--out',
        out,
      ],
      { timeoutMs: 150_000 },
    );
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const result = JSON.parse(readFileSync(join(out, 'find-limit.json'), 'utf8')) as FindLimitJson;
    assert.ok(result.steps.length >= 1);
    for (const step of result.steps) {
      const target = step.target?.[pid];
      assert.ok(target !== undefined && target.cpuPctAvg !== null, JSON.stringify(step));
      assert.ok((target.memoryMaxBytes ?? 0) > 10 * 1024 * 1024);
    }
    assert.match(r.stdout, new RegExp(`target ${pid}: CPU avg [0-9.]+%, memory max`));
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /## Target resources by step/);
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<div id="target"><\/div>/);
  });

  test('the web UI draws the target live beside the load (run --web --monitor), in Chromium', async () => {
    const pid = `pid:${llm.pid}`;
    const [web, browser] = await Promise.all([
      startWebCli([
        'run',
        '--target',
        origin,
        '--protocol',
        'openai',
        '--users',
        '2',
        '--run-time',
        '8s',
        '--monitor',
        pid,
        '--web',
        '--web-port',
        '0',
        '--out',
        tempDir(),
      ]),
      launchChromium(),
    ]);
    try {
      const page = await browser.newPage();
      await page.goto(`${web.url}/`);
      const cpu = page.locator('#chart-monitor-0-cpu');
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('#chart-monitor-0-memory')?.dataset.points) >= 3,
        undefined,
        { timeout: 30_000 },
      );
      assert.equal(await cpu.isVisible(), true);
      assert.match((await cpu.locator('h3').textContent()) ?? '', new RegExp(`Target ${pid}: cpu`));
      await page.screenshot({ path: join(ARTIFACTS, 'web-monitor.png'), fullPage: true });
    } finally {
      await browser.close();
      await web.stop();
    }
  });

  test('sampled once per run: --processes 2, and segments merged with `streamload merge`', async () => {
    const pid = `pid:${llm.pid}`;
    const two = await monitoredRun(origin, [pid], { extra: ['--processes', '2', '--format', 'json'] });
    assert.equal(two.code, 0, two.stderr);
    const scaled = readRun(two.out);
    assert.ok((scaled.monitor?.[pid]?.samples ?? 0) >= 3, JSON.stringify(scaled.monitor));
    assert.ok(
      scaled.history.some((h) => h.monitor?.[pid] !== undefined),
      'on the merged rows of the processes',
    );
    // Only segment 1 watches the target; the merged run has its samples on the merged seconds.
    // Time for both processes to load on a busy machine: a segment that starts late runs shorter.
    const startAt = String(Date.now() + 15_000);
    const segments = await Promise.all(
      [1, 2].map((i) =>
        monitoredRun(origin, i === 1 ? [pid] : [], {
          extra: ['--segment', `${i}/2`, '--start-at', startAt, '--format', 'json'],
        }),
      ),
    );
    for (const s of segments) assert.equal(s.code, 0, s.stderr);
    const mergedDir = tempDir();
    const merged = await runCli(
      ['merge', ...segments.map((s) => join(s.out, 'run.json')), '--out', mergedDir, '--format', 'json'],
      { timeoutMs: 60_000 },
    );
    assert.equal(merged.code, 0, merged.stderr);
    const run = readRun(mergedDir);
    assert.ok((run.monitor?.[pid]?.samples ?? 0) >= 2, JSON.stringify(run.monitor));
    assert.ok(run.history.some((h) => h.monitor?.[pid]?.rss_bytes !== undefined));
  });

  test('a process that spins shows its CPU (cmd: matches every process of the pattern)', async () => {
    const marker = `streamload-spin-${process.pid}-${Date.now()}`;
    const spinner = spawn(process.execPath, ['-e', 'for(;;){}', marker], { stdio: 'ignore' });
    try {
      const r = await monitoredRun(origin, [`cmd:${marker}`]);
      assert.equal(r.code, 0, r.stderr);
      const cpu = readRun(r.out).monitor?.[`cmd:${marker}`]?.summary.cpu_pct;
      assert.ok(cpu !== undefined && cpu.avg > busyFloor(), `a busy loop: cpu ${JSON.stringify(cpu)}`);
    } finally {
      spinner.kill('SIGKILL');
    }
  });
});

test('prometheus: node_exporter on loopback: its memory series per second, defaults and a chosen metric', async () => {
  const exporter = await startNodeExporter();
  try {
    await withMockLlm({ firstTokenMs: 10 }, async (llm) => {
      const defaults = `prometheus:${exporter.url}`;
      const chosen = `prometheus:${exporter.url}#node_memory_MemTotal_bytes`;
      const r = await monitoredRun(llm.url, [defaults, chosen]);
      assert.equal(r.code, 0, r.stderr);
      const run = readRun(r.out);
      const memory = run.monitor?.[defaults]?.summary.node_memory_MemAvailable_bytes;
      assert.ok(memory !== undefined && memory.min > 0, JSON.stringify(run.monitor?.[defaults]));
      assert.ok(run.monitor?.[defaults]?.summary.node_load1 !== undefined);
      assert.deepEqual(Object.keys(run.monitor?.[chosen]?.summary ?? {}), ['node_memory_MemTotal_bytes']);
      assert.ok(run.history.some((h) => (h.monitor?.[defaults]?.node_memory_MemAvailable_bytes ?? 0) > 0));
    });
  } finally {
    await exporter.stop();
  }
});

test('docker: a real dockerd and a spinning container imported offline show > 20 % CPU', async () => {
  const dockerd = await startDockerd();
  try {
    await withMockLlm({ firstTokenMs: 10 }, async (llm) => {
      const source = `docker:${dockerd.spinner}`;
      const r = await monitoredRun(llm.url, [source], { env: { DOCKER_HOST: dockerd.host } });
      assert.equal(r.code, 0, r.stderr);
      const m = readRun(r.out).monitor?.[source];
      assert.equal(m?.kind, 'docker');
      assert.ok((m?.summary.cpu_pct?.avg ?? 0) > busyFloor(), `load ${loadavg()[0]}: ${JSON.stringify(m)}`);
      assert.ok((m?.summary.mem_bytes?.max ?? 0) > 0);
      assert.ok(m?.summary.net_rx_bytes_per_s !== undefined);
    });
  } finally {
    await dockerd.stop();
  }
});

test('a source that cannot be read is exit 2 before any load, one line naming the spec', async () => {
  let requests = 0;
  await withMockLlm({ firstTokenMs: 10 }, async (llm) => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['--monitor', 'pid:999999999'],
        {},
        /^streamload: --monitor pid:999999999: process 999999999 is not running$/m,
      ],
      [['--monitor', 'cpu:1'], {}, /--monitor: "cpu:1": expected pid:N, cmd:PATTERN, docker:NAME/],
      [['--monitor', 'cmd:no-such-process-anywhere-zz9'], {}, /no running process matches/],
      [
        ['--monitor', 'docker:api'],
        { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
        /--monitor docker:api: cannot reach the Docker engine at \/nonexistent\/docker.sock \(ENOENT\)/,
      ],
      [
        ['--monitor', `prometheus:http://127.0.0.1:${await freePort()}/metrics`],
        {},
        /--monitor prometheus:http:\/\/127\.0\.0\.1:\d+\/metrics: .* did not answer \(ECONNREFUSED\)/,
      ],
    ];
    const before = llm.stats().requests;
    for (const [flags, env, message] of cases) {
      const r = await runCli(
        ['run', '--target', llm.url, '--protocol', 'openai', '--iterations', '5', '--format', '', ...flags],
        { env, timeoutMs: 60_000 },
      );
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    // Only the preflights reached the target (one per run that parsed), never the load.
    requests = llm.stats().requests - before;
  });
  assert.ok(requests <= 4, `requests at the target: ${requests}`);
});

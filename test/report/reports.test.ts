// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk untyped JSON.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { BUILTIN_APPS } from '../../src/targets/workflow-server/builtin-apps.ts';
import { startWorkflowServer, type WorkflowServer } from '../../src/targets/workflow-server/server.ts';
import { ARTIFACTS, launchChromium } from '../browser.ts';
import { readRun, runCli, tempDir } from '../cli/helpers.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/run.schema.json', import.meta.url), 'utf8'));

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

describe('report files', () => {
  let llm: MockLlm;
  let server: WorkflowServer;
  let out: string;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 10, interTokenMs: 5, tokens: [20, 20] });
    server = await startWorkflowServer({ port: 0, llmUrl: llm.url, apps: BUILTIN_APPS });
    out = tempDir();
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-llm',
      '--users',
      '4',
      '--spawn-rate',
      '4',
      '--run-time',
      '3s',
      '--slo',
      'ttft<10s',
      '--slo',
      'request_duration<1ms',
      '--threshold',
      'goodput.avg==0',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await server.close();
    await llm.close();
  });

  test('run.json validates against schemas/run.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(readRun(out));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(
      validate({ ...readRun(out), schema: 'other' }),
      false,
      'the schema rejects a wrong schema tag',
    );
  });

  test('SLO attainment and goodput: run.json, thresholds, summary.txt, report.md, report.html', () => {
    const run = readRun(out);
    // No request of a 20-token stream ends within 1 ms: none is good, whatever the machine.
    assert.ok(run.totals.requests > 0);
    assert.equal(run.totals.good, 0);
    assert.equal(run.slo_attainment, 0);
    assert.deepEqual(run.goodput, { max: 0, avg: 0, min: 0 });
    assert.deepEqual(run.config.slo, ['ttft<10s', 'request_duration<1ms']);
    assert.deepEqual(run.thresholds[0], { expr: 'goodput.avg==0', actual: 0, limit: 0, ok: true });
    for (const file of ['summary.txt', 'report.md', 'report.html'])
      assert.match(readFileSync(join(out, file), 'utf8'), /SLO — ttft&lt;10s|SLO — ttft<10s/, file);
  });

  test('CSV headers are Locust’s and rows match run.json', () => {
    const run = readRun(out);
    const stats = parseCsv(readFileSync(join(out, 'stats.csv'), 'utf8'));
    assert.deepEqual(stats[0]?.slice(0, 4), ['Type', 'Name', 'Request Count', 'Failure Count']);
    assert.equal(stats[0]?.at(-1), '100%');
    const aggregated = stats.find((r) => r[1] === 'Aggregated');
    assert.equal(Number(aggregated?.[2]), run.totals.requests);
    const history = parseCsv(readFileSync(join(out, 'stats_history.csv'), 'utf8'));
    assert.equal(history[0]?.[0], 'Timestamp');
    assert.equal(history.length - 1, run.history.length);
    assert.equal(
      Number(history.at(-1)?.[history[0]!.indexOf('Total Request Count')]),
      run.history.at(-1)?.totalRequests,
    );
    assert.deepEqual(parseCsv(readFileSync(join(out, 'failures.csv'), 'utf8'))[0], [
      'Method',
      'Name',
      'Error',
      'Occurrences',
    ]);
  });

  test('report.md has the benchmark tables and the environment', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const title of [
      'Event Throughput (events/s)',
      'TTFE — Time To First Event (ms)',
      'Connections',
      'Metric definitions',
      'Test environment',
    ]) {
      assert.ok(md.includes(title), title);
    }
  });

  test('report.html opens offline in Chromium with every chart drawn and no console errors', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${join(out, 'report.html')}`);
      const charts = await page.$$eval('.chart', (els) =>
        els.map((e) => ({
          id: e.id,
          canvas: e.querySelector('canvas') !== null,
          points: Number((e as HTMLElement).dataset.points),
        })),
      );
      assert.equal(charts.length, 5);
      for (const c of charts) assert.ok(c.canvas && c.points >= 2, JSON.stringify(c));
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'no network');
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test('report re-renders from run.json; compare flags a planted regression', async () => {
    const copy = tempDir();
    const run = readRun(out) as any;
    writeFileSync(join(copy, 'a.json'), JSON.stringify(run));
    // compare reads the per-second rows and histograms, not the summary: plant the failures there.
    const worse = {
      ...run,
      history: run.history.map((row: { requests: number }) => ({ ...row, failures: row.requests })),
    };
    writeFileSync(join(copy, 'b.json'), JSON.stringify(worse));
    const same = await runCli(['compare', join(copy, 'a.json'), join(copy, 'a.json')]);
    assert.equal(same.code, 0, same.stdout);
    const regressed = await runCli([
      'compare',
      join(copy, 'a.json'),
      join(copy, 'b.json'),
      '--format',
      'md',
      '--tolerance',
      '5%',
    ]);
    assert.equal(regressed.code, 1);
    assert.match(regressed.stdout, /\| error_rate \| 0\.00% \| 100\.00% \|.*\| REGRESSED \|/);
    const rerender = await runCli(['report', join(copy, 'a.json'), '--format', 'md,csv']);
    assert.equal(rerender.code, 0, rerender.stderr);
    assert.ok(readFileSync(join(copy, 'report.md'), 'utf8').includes('Event Throughput'));
    const bad = await runCli(['compare', join(copy, 'a.json'), join(copy, 'missing.json')]);
    assert.equal(bad.code, 2);
  });

  test('a run.json written with the config keys of before the option table still re-renders', async () => {
    const copy = tempDir();
    const { runTime, slo, threshold, format, ...config } = (readRun(out) as any).config;
    const old = {
      ...readRun(out),
      config: { ...config, runTimeMs: runTime, slos: slo, thresholds: threshold, formats: format },
    };
    writeFileSync(join(copy, 'old.json'), JSON.stringify(old));
    const rerender = await runCli(['report', join(copy, 'old.json'), '--format', 'md']);
    assert.equal(rerender.code, 0, rerender.stderr);
    const md = readFileSync(join(copy, 'report.md'), 'utf8');
    assert.match(md, /run time 3 s/);
    assert.match(md, /SLO — ttft<10s, request_duration<1ms/);
  });
});

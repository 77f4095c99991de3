// stats_history.csv: the "Total …" columns are cumulative at each row, as Locust writes them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { listenLocal, readRun, runCli, tempDir } from '../cli/helpers.ts';

const csv = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));

test('Total response-time columns grow with a target that slows down', { timeout: 90_000 }, async () => {
  // Each response is slower than the one before, so the running max must rise row after row.
  let n = 0;
  const server = createServer((_req, res) => {
    const delayMs = Math.min(40 * n++, 1500);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
    }, delayMs);
  });
  const url = await listenLocal(server);
  const out = tempDir();
  try {
    const r = await runCli(
      ['run', '--target', url, '--protocol', 'openai', '--users', '1', '--run-time', '5s', '--out', out],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stderr);
  } finally {
    server.close();
  }
  const [header, ...rows] = csv(join(out, 'stats_history.csv')) as [string[], ...string[][]];
  const col = (name: string) => header.indexOf(name);
  const max = rows
    .map((r) => r[col('Total Max Response Time')])
    .filter((v) => v !== 'N/A')
    .map(Number);
  const min = rows
    .map((r) => r[col('Total Min Response Time')])
    .filter((v) => v !== 'N/A')
    .map(Number);
  assert.ok(max.length >= 3, `rows with completions: ${max.length}`);
  for (let i = 1; i < max.length; i++) {
    assert.ok(max[i]! >= max[i - 1]!, `Total Max never falls: ${max.join(' ')}`);
    assert.ok(min[i]! <= min[i - 1]!, `Total Min never rises: ${min.join(' ')}`);
  }
  assert.ok(max[0]! < max.at(-1)!, `the first row is not the final value: ${max.join(' ')}`);
  // The last row is the whole run: the Aggregated row of stats.csv.
  const [statsHeader, ...stats] = csv(join(out, 'stats.csv')) as [string[], ...string[][]];
  const aggregated = stats.find((r) => r[1] === 'Aggregated')!;
  const last = rows.at(-1)!;
  for (const [total, whole] of [
    ['Total Median Response Time', 'Median Response Time'],
    ['Total Max Response Time', 'Max Response Time'],
    ['Total Min Response Time', 'Min Response Time'],
  ])
    assert.equal(last[col(total!)], aggregated[statsHeader.indexOf(whole!)], total);
  assert.equal(readRun(out).history.at(-1)?.totalDuration?.max, readRun(out).requests.at(-1)?.duration.max);
});

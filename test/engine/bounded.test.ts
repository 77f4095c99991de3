/**
 * Bounded by construction: a hostile workflow server that names every node at random cannot grow
 * the run's series, run.json or the reports without bound (issue 12: 3.2 GB RSS and a stack
 * overflow in the text tables), and a large question pool is recorded by count, hash and a short
 * sample, never copied whole. Real CLI, a real server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { listenLocal, readRun, runCli, tempDir } from '../cli/helpers.ts';

const NODES_PER_RUN = 60;

function workflowEvent(event: string, data: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ event, data })}\n\n`;
}

test('random node titles and a large question pool stay bounded', { timeout: 120_000 }, async () => {
  let runs = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    runs++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const parts = [workflowEvent('workflow_started', { id: `w${runs}` })];
    for (let i = 0; i < NODES_PER_RUN; i++) {
      const id = `n${runs}-${i}`;
      const title = `node ${randomBytes(6).toString('hex')}`;
      parts.push(workflowEvent('node_started', { id, title }), workflowEvent('node_finished', { id, title }));
    }
    parts.push(workflowEvent('workflow_finished', { status: 'succeeded' }));
    res.end(parts.join(''));
  });
  const origin = await listenLocal(server);
  try {
    const dir = tempDir();
    const questions = join(dir, 'questions.txt');
    // 2,000 questions of 1 kB each: 2 MB that must not be copied into every report.
    const secret = 'CONFIDENTIAL-PROMPT';
    writeFileSync(
      questions,
      Array.from({ length: 2000 }, (_, i) => `${i} ${secret} ${'q'.repeat(1000)}`).join('\n'),
    );
    const out = join(dir, 'out');
    const r = await runCli(
      [
        'run',
        '--target',
        origin,
        '--protocol',
        'workflow',
        '--questions',
        questions,
        '--iterations',
        '10',
        '--users',
        '2',
        '--out',
        out,
        '--json-summary',
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const run = readRun(out);
    const nodeSeries = Object.keys(run.latency).filter((name) => name.startsWith('node_duration.'));
    assert.ok(runs * NODES_PER_RUN > 500, 'the server sent more distinct titles than the cap');
    assert.equal(nodeSeries.length, 101, 'the cap (100) plus one (other) series');
    assert.ok(nodeSeries.includes('node_duration.(other)'));
    const overflow = run.warnings.filter((w) => w.includes('node_duration.'));
    assert.equal(overflow.length, 1, run.warnings.join('\n'));
    assert.match(overflow[0]!, /more than 100 distinct node_duration\.\* names/);

    const pool = run.config.questions as { count: number; sha256: string; sample: string[] };
    assert.equal(pool.count, 2000);
    assert.match(pool.sha256, /^[0-9a-f]{64}$/);
    assert.ok(pool.sample.length <= 3 && pool.sample.every((q) => q.length <= 81));
    for (const file of ['run.json', 'report.html', 'summary.txt', 'report.md']) {
      const size = statSync(join(out, file)).size;
      assert.ok(size < 1_000_000, `${file} is ${size} bytes`);
    }
    const last = r.stdout.trim().split('\n').at(-1)!;
    assert.ok(last.length < 200_000, `--json-summary line is ${last.length} chars`);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!html.includes(`1999 ${secret}`), 'the pool is not copied into report.html');
  } finally {
    server.close();
  }
});

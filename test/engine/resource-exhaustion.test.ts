/**
 * File-descriptor exhaustion (`ulimit -n 256`, `--users 1000`) is a counted connection_error with
 * one warning naming the limit, and the run ends on time with its reports: it used to spin at
 * 100 % CPU with no output. The CLI runs under `bash -c 'ulimit -n 256; exec node …'`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { test } from 'node:test';
import { listenLocal, MAIN, readRun, tempDir } from '../cli/helpers.ts';

test('EMFILE under ulimit -n 256 with 1000 users: counted, warned once, ends on time', {
  timeout: 120_000,
}, async () => {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"a":1}\n\n');
    const t = setTimeout(() => res.end('data: {"a":2}\n\n'), 1000);
    res.on('close', () => clearTimeout(t));
  });
  const origin = await listenLocal(server);
  const out = tempDir();
  const args = [
    MAIN,
    'run',
    '--target',
    origin,
    '--protocol',
    'sse',
    '--users',
    '1000',
    '--spawn-rate',
    '1000',
    '--run-time',
    '3s',
    '--stop-timeout',
    '2s',
    '--out',
    out,
  ];
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const began = performance.now();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('bash', ['-c', `ulimit -n 256 && exec ${quoted}`], { stdio: 'ignore' });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the run did not end within 90 s'));
      }, 90_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const wallMs = performance.now() - began;
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    assert.ok(wallMs < 60_000, `ended after ${wallMs} ms`);
    const run = readRun(out);
    assert.ok(run.errors.connection_error > 0, JSON.stringify(run.errors));
    assert.match(run.errorSamples.connection_error ?? '', /EMFILE/);
    const warnings = run.warnings.filter((w) => w.includes('ulimit -n'));
    assert.equal(warnings.length, 1, run.warnings.join('\n'));
    assert.match(warnings[0]!, /ran out of file descriptors \(EMFILE\) \d+×/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

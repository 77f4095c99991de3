/**
 * The web UI attacked as a hostile page would: DNS rebinding (a foreign Host and Origin), a form
 * that names a local code file, report downloads through a planted symlink, malformed escapes.
 * Real `streamload web` over real HTTP on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { closeServer, listenLocal, runCli, tempDir } from '../cli/helpers.ts';
import { startWebCli, type WebCli, waitForView } from './helpers.ts';

const INDEX = pathToFileURL(new URL('../../src/index.ts', import.meta.url).pathname).href;

/** A request with the Host and Origin a rebinding page's browser would send. */
function raw(
  base: string,
  path: string,
  options: { method?: string; host?: string; origin?: string; body?: unknown } = {},
): Promise<{ status: number; text: string }> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(options.origin === undefined ? {} : { origin: options.origin }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
          // The live feed never ends: its first bytes are enough.
          if (res.statusCode === 200 && path.startsWith('/api/events')) res.destroy();
        });
        res.on('close', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A scenario file whose import leaves a marker file behind. */
function markerScenario(dir: string, name: string): { file: string; marker: string } {
  const file = join(dir, `${name}.mjs`);
  const marker = join(dir, `${name}.imported`);
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';
import { defineScenario } from ${JSON.stringify(INDEX)};
writeFileSync(${JSON.stringify(marker)}, 'imported');
export default defineScenario({
  users: [{ name: 'u', tasks: [{ name: 't', run: (ctx) => ctx.sse({ path: '/', name: 'sse' }) }] }],
});
`,
  );
  return { file, marker };
}

describe('web UI against hostile pages', { timeout: 120_000 }, () => {
  let attacker: Server;
  let attackerUrl: string;
  let hits = 0;
  let web: WebCli;
  let port: string;
  const dir = tempDir();
  const named = markerScenario(dir, 'named');
  const unnamed = markerScenario(dir, 'unnamed');

  before(async () => {
    attacker = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {}\n\n');
    });
    attackerUrl = await listenLocal(attacker);
    web = await startWebCli([
      'web',
      '--web-port',
      '0',
      '--web-allowed-host',
      'ui.example',
      '--scenario',
      named.file,
      '--protocol',
      'sse',
      '--format',
      'json,md',
    ]);
    port = new URL(web.url).port;
  });
  after(async () => {
    await web?.stop();
    await closeServer(attacker);
  });

  test('a rebinding Host is refused on every route; its POST starts nothing', async () => {
    const evil = `rebind.attacker.example:${port}`;
    for (const path of [
      '/',
      '/app.js',
      '/api/view',
      '/api/events',
      '/metrics',
      '/health',
      '/reports/run.json',
    ]) {
      const r = await raw(web.url, path, { host: evil });
      assert.equal(r.status, 421, `${path}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    const start = await raw(web.url, '/api/start', {
      method: 'POST',
      host: evil,
      origin: `http://${evil}`,
      body: { target: attackerUrl, users: '1', runTime: '2s' },
    });
    assert.equal(start.status, 421, start.text);
    // A wrong port on a loopback name is another site too.
    assert.equal((await raw(web.url, '/api/view', { host: '127.0.0.1:1' })).status, 421);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hits, 0, 'nothing reached the attacker');
    const view = await waitForView(web.url, () => true);
    assert.equal(view.state, 'idle');
  });

  test('Origin is checked against the allow-list, not the request Host', async () => {
    const r = await raw(web.url, '/api/stop', {
      method: 'POST',
      host: `127.0.0.1:${port}`,
      origin: `http://rebind.attacker.example:${port}`,
    });
    assert.equal(r.status, 403, r.text);
    const nullOrigin = await raw(web.url, '/api/stop', { method: 'POST', origin: 'null' });
    assert.equal(nullOrigin.status, 403);
    // The served names pass (409: there is no run to stop).
    for (const [host, origin] of [
      [`localhost:${port}`, `http://localhost:${port}`],
      [`127.0.0.1:${port}`, `http://127.0.0.1:${port}`],
      ['ui.example', 'https://ui.example'],
    ] as const) {
      assert.equal((await raw(web.url, '/api/stop', { method: 'POST', host, origin })).status, 409, host);
    }
    assert.equal((await raw(web.url, '/api/view', { host: `[::1]:${port}` })).status, 200);
  });

  test('a scenario file the operator did not name is a 400 and is never imported', async () => {
    const r = await raw(web.url, '/api/start', {
      method: 'POST',
      origin: web.url,
      body: { scenario: unnamed.file, target: attackerUrl, users: '1', runTime: '2s' },
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /scenario/);
    const relative = await raw(web.url, '/api/start', {
      method: 'POST',
      origin: web.url,
      body: { scenario: '../../etc/x.js', target: attackerUrl },
    });
    assert.equal(relative.status, 400);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(unnamed.marker), false, 'the unnamed file was imported');
    assert.equal(hits, 0);
  });

  test('credentials in the form target are a 400 and never shown', async () => {
    const r = await raw(web.url, '/api/start', {
      method: 'POST',
      origin: web.url,
      body: { target: attackerUrl.replace('//', '//user:hunter2@'), users: '1' },
    });
    assert.equal(r.status, 400);
    assert.ok(!r.text.includes('hunter2'), r.text);
    assert.ok(!JSON.stringify(await waitForView(web.url, () => true)).includes('hunter2'));
  });

  test('a named scenario runs; reports serve only regular files of the report folder', async () => {
    const r = await raw(web.url, '/api/start', {
      method: 'POST',
      origin: web.url,
      body: { scenario: named.file, target: attackerUrl, users: '1', spawnRate: '10', runTime: '2s' },
    });
    assert.equal(r.status, 200, r.text);
    assert.ok(existsSync(named.marker));
    const view = await waitForView(web.url, (v) => v.state === 'finished', 30_000);
    const reportDir = resolve(web.cwd, String(view.reportDir));
    assert.equal((await raw(web.url, '/reports/run.json')).status, 200);
    // A file swapped for a symlink to a secret after the run is not served.
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET');
    rmSync(join(reportDir, 'report.md'));
    symlinkSync(secret, join(reportDir, 'report.md'));
    const link = await raw(web.url, '/reports/report.md');
    assert.equal(link.status, 404, link.text);
    assert.ok(!link.text.includes('TOP-SECRET'));
    assert.equal((await raw(web.url, '/reports/%E0%A4%A')).status, 400);
    assert.equal((await raw(web.url, '/reports/..%2Frun.json')).status, 404);
    assert.equal(readFileSync(secret, 'utf8'), 'TOP-SECRET');
  });
});

describe('web --scenario', { timeout: 60_000 }, () => {
  test('a named scenario file that is missing or not .ts/.js exits 2 naming it', async () => {
    const missing = await runCli(['web', '--web-port', '0', '--scenario', '/nonexistent/a.ts']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--scenario: \/nonexistent\/a\.ts does not exist/);
    const wrong = await runCli(['web', '--web-port', '0', '--scenario', 'stream', '--scenario', 'notes.txt']);
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /--scenario: "notes\.txt"/);
  });
});

/**
 * The web UI over real HTTP: `streamload web` and `run --web` as a user starts them, a run started
 * with the page's own requests against the embedded targets, the guards, and /metrics against run.json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { request } from 'undici';
import type { RunJson } from '../../src/report/types.ts';
import { runCli } from '../cli/helpers.ts';
import { postJson, startWebCli, type WebCli, waitForView } from './helpers.ts';

/** Collects the live feed's events until `stop(event)` says so (bounded). */
async function readFeed(
  base: string,
  stop: (event: EventSourceMessage) => boolean,
  timeoutMs = 20_000,
): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const res = await request(`${base}/api/events`, { signal: abort.signal });
  assert.match(String(res.headers['content-type']), /text\/event-stream/);
  let done = false;
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      if (stop(event)) done = true;
    },
  });
  try {
    for await (const chunk of res.body) {
      parser.feed(chunk.toString());
      if (done) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

describe('streamload web (HTTP)', { timeout: 60_000 }, () => {
  let web: WebCli;
  before(async () => {
    web = await startWebCli(['web', '--web-port', '0']);
  });
  after(async () => {
    await web?.stop();
  });

  test('serves the page, its bundle, health and JSON 404s', async () => {
    const page = await fetch(`${web.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="app.js">/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const js = await fetch(`${web.url}/app.js`);
    assert.match(String(js.headers.get('content-type')), /javascript/);
    assert.ok((await js.text()).length > 10_000, 'the bundle includes uPlot');
    assert.equal((await fetch(`${web.url}/nope`)).status, 404);
    assert.deepEqual(await (await fetch(`${web.url}/health`)).json(), { status: 'ok' });
  });

  test('state-changing endpoints are POST only and refuse other origins', async () => {
    const get = await fetch(`${web.url}/api/start`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const cross = await postJson(web.url, '/api/start', {}, { origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
    assert.match(String(cross.json.error), /cross-origin/);
    const fetchSite = await postJson(web.url, '/api/stop', {}, { 'sec-fetch-site': 'cross-site' });
    assert.equal(fetchSite.status, 403);
    assert.equal((await postJson(web.url, '/api/stop')).status, 409, 'no run to stop');
    const notJson = await request(`${web.url}/api/start`, { method: 'POST', body: '[1]' });
    assert.equal(notJson.statusCode, 400);
    await notJson.body.dump();
  });

  test('a bad form value is a 400 naming the field; nothing starts', async () => {
    const bad = await postJson(web.url, '/api/start', { users: 'many', runTime: '3s' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error), /^users: /);
    const badTime = await postJson(web.url, '/api/start', { users: '2', runTime: 'soon' });
    assert.match(String(badTime.json.error), /^run time: /);
    const view = (await (await fetch(`${web.url}/api/view`)).json()) as { state: string };
    assert.equal(view.state, 'idle');
  });

  test('a run started from the page: live feed, change users, reports, /metrics equal run.json', async () => {
    const started = await postJson(web.url, '/api/start', {
      scenario: 'llm',
      users: '2',
      spawnRate: '10',
      runTime: '4s',
    });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    assert.equal(started.json.state, 'running');
    assert.equal((await postJson(web.url, '/api/start', { users: '1' })).status, 409, 'one run at a time');
    assert.equal((await postJson(web.url, '/api/reset')).status, 409, 'no reset while running');

    const resized = await postJson(web.url, '/api/users', { users: 3 });
    assert.equal(resized.status, 200);
    assert.equal((await postJson(web.url, '/api/users', { users: -1 })).status, 400);

    const feed = await readFeed(
      web.url,
      (e) => e.event === 'view' && JSON.parse(e.data).state === 'finished',
    );
    const ticks = feed.filter((e) => e.event === 'tick').map((e) => JSON.parse(e.data));
    assert.ok(ticks.length >= 2, `ticks every second (${ticks.length})`);
    assert.ok(
      ticks.some((t) => t.users === 3),
      'the user change reached the run',
    );
    assert.ok(ticks.every((t, i) => i === 0 || t.from === ticks[i - 1].from + ticks[i - 1].points.length));

    const view = await waitForView(web.url, (v) => v.state === 'finished');
    const names = (view.reports as { name: string }[]).map((r) => r.name);
    assert.ok(names.includes('run.json') && names.includes('report.html'), names.join());
    const download = await fetch(`${web.url}/reports/run.json`);
    assert.match(String(download.headers.get('content-disposition')), /attachment; filename="run.json"/);
    const run = (await download.json()) as RunJson;
    assert.ok(run.totals.requests > 0);

    const text = await (await fetch(`${web.url}/metrics`)).text();
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const value = (name: string) => Number(families.get(name)?.metrics[0]?.value);
    const requests = families.get('streamload_requests_total')?.metrics ?? [];
    assert.equal(
      requests.reduce((sum, m) => sum + Number(m.value), 0),
      run.totals.requests,
    );
    assert.equal(value('streamload_events_total'), run.totals.events);
    assert.equal(value('streamload_bytes_total'), run.totals.bytes);
    assert.equal(value('streamload_streams_total'), run.totals.streams);
    assert.equal(value('streamload_tokens_total'), run.totals.tokens);
    for (const m of families.get('streamload_failures_total')?.metrics ?? []) {
      const error = m.labels?.error as keyof RunJson['errors'];
      assert.equal(Number(m.value), run.errors[error], error);
    }
    assert.equal(
      Number(families.get('streamload_ttfe_exact_seconds')?.metrics[0]?.count),
      run.latency.ttfe?.count,
    );
    assert.equal(families.get('streamload_ttfe_seconds')?.type, 'HISTOGRAM');
    const buckets = families.get('streamload_ttfe_seconds')?.metrics[0]?.buckets;
    assert.equal(Number(buckets?.['+Inf']), run.latency.ttfe?.count, 'the +Inf bucket counts every TTFE');
    assert.equal(value('streamload_running'), 0);

    const reset = await postJson(web.url, '/api/reset');
    assert.equal(reset.json.state, 'idle');
    assert.equal((await fetch(`${web.url}/reports/run.json`)).status, 404);
  });
});

describe('web UI safety and run --web (CLI)', { timeout: 60_000 }, () => {
  test('a non-loopback bind without auth exits 2 with the reason', async () => {
    const r = await runCli(['web', '--web-host', '0.0.0.0', '--web-port', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--web-host 0\.0\.0\.0: .*needs --web-auth user:pass or --web-token/);
  });

  test('--web-auth and --web-token guard every route, /metrics included', async () => {
    const basic = await startWebCli(['web', '--web-port', '0', '--web-auth', 'admin:s3cret']);
    try {
      const denied = await fetch(`${basic.url}/metrics`);
      assert.equal(denied.status, 401);
      assert.match(String(denied.headers.get('www-authenticate')), /^Basic/);
      const wrong = Buffer.from('admin:nope').toString('base64');
      assert.equal(
        (await fetch(`${basic.url}/`, { headers: { authorization: `Basic ${wrong}` } })).status,
        401,
      );
      const right = Buffer.from('admin:s3cret').toString('base64');
      assert.equal(
        (await fetch(`${basic.url}/metrics`, { headers: { authorization: `Basic ${right}` } })).status,
        200,
      );
    } finally {
      await basic.stop();
    }
    const token = await startWebCli(['web', '--web-port', '0', '--web-token', 'tok3n']);
    try {
      assert.equal((await fetch(`${token.url}/api/view`)).status, 401);
      assert.equal((await fetch(`${token.url}/api/view?token=tok3n`)).status, 200);
      assert.equal(
        (await fetch(`${token.url}/api/view`, { headers: { authorization: 'Bearer tok3n' } })).status,
        200,
      );
      assert.equal((await fetch(`${token.url}/api/view?token=tok3`)).status, 401);
      assert.equal(
        (await fetch(`${token.url}/api/view`, { headers: { authorization: 'bearer tok3n' } })).status,
        200,
        'the scheme in any case, as every Bearer reader takes it',
      );
      assert.equal(
        (await fetch(`${token.url}/api/view`, { headers: { authorization: 'Bearer tok3' } })).status,
        401,
      );
    } finally {
      await token.stop();
    }
  });

  test('run --web serves the configured run (no start from the page) and exits with the run', async () => {
    const web = await startWebCli([
      'run',
      '--web',
      '--web-port',
      '0',
      '--scenario',
      'llm',
      '--users',
      '2',
      '--run-time',
      '3s',
      '--format',
      'json',
    ]);
    const view = await waitForView(web.url, (v) => v.state === 'running');
    assert.equal(view.canStart, false);
    const refused = await postJson(web.url, '/api/start', { users: '1' });
    assert.equal(refused.status, 409);
    assert.match(String(refused.json.error), /configured on the command line/);
    const metrics = await (await fetch(`${web.url}/metrics`)).text();
    assert.match(metrics, /^streamload_running 1$/m);
    assert.equal(await web.exited, 0, web.output());
  });

  test('run --web --processes 2 shows the merged numbers of both worker processes', async () => {
    const web = await startWebCli([
      'run',
      '--web',
      '--web-port',
      '0',
      '--processes',
      '2',
      '--scenario',
      'llm',
      '--users',
      '4',
      '--spawn-rate',
      '100',
      '--run-time',
      // Long enough that /metrics is still served after the view showed both processes, under load.
      '10s',
      '--format',
      'json',
      '--json-summary',
    ]);
    const view = await waitForView(web.url, (v) => {
      const tick = v.tick as { users: number; totals: { requests: number } } | null;
      return tick !== null && tick.totals.requests > 0 && tick.users === 4;
    });
    assert.equal(view.state, 'running');
    const metrics = await (await fetch(`${web.url}/metrics`)).text();
    assert.match(metrics, /^streamload_users 4$/m, 'users of both processes');
    assert.equal(await web.exited, 0, web.output());
  });
});

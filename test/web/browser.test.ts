/**
 * The web UI in real headless Chromium: start a run from the page against the embedded targets,
 * watch the charts and tables fill, change users, stop, download run.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunJson } from '../../src/report/types.ts';
import { ARTIFACTS, launchChromium } from '../browser.ts';
import { startWebCli, type WebCli } from './helpers.ts';

describe('web UI in Chromium', { timeout: 90_000 }, () => {
  let web: WebCli;
  let browser: Browser;
  before(async () => {
    [web, browser] = await Promise.all([startWebCli(['web', '--web-port', '0']), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await web?.stop();
  });

  test('start from the page, live charts and tables, change users, stop, download run.json', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${web.url}/`);
    await page.waitForSelector('#state[data-state="idle"]');

    await page.fill('input[name="scenario"]', 'llm');
    await page.fill('input[name="users"]', '2');
    await page.fill('input[name="spawnRate"]', '10');
    await page.fill('input[name="runTime"]', '60s');
    await page.click('#start');
    await page.waitForSelector('#state[data-state="running"]', { timeout: 15_000 });

    // Charts: every one has a canvas and at least 3 seconds of points.
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLElement>('.chart')].every((c) => Number(c.dataset.points) >= 3),
      undefined,
      { timeout: 15_000 },
    );
    const charts = await page.$$eval('.chart:not([hidden])', (els) =>
      els.map((e) => ({ id: e.id, canvas: e.querySelector('canvas') !== null })),
    );
    assert.deepEqual(
      charts.map((c) => c.id),
      ['chart-users', 'chart-events', 'chart-requests', 'chart-ttfe', 'chart-failures'],
    );
    assert.ok(charts.every((c) => c.canvas));
    const rows = await page.$$eval('#requests-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    assert.equal(rows.at(-1)?.[1], 'Aggregated');
    assert.ok(Number(rows.at(-1)?.[2]) > 0, 'requests counted in the table');

    await page.fill('#users-input', '4');
    await page.click('#set-users');
    await page.waitForFunction(() => document.getElementById('stat-users')?.textContent === '4', undefined, {
      timeout: 10_000,
    });

    await page.click('#stop');
    await page.waitForSelector('#state[data-state="finished"]', { timeout: 20_000 });
    const link = page.locator('#reports a[download="run.json"]');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const run = JSON.parse(readFileSync(path, 'utf8')) as RunJson;
    assert.equal(run.status, 'stopped');
    assert.equal(run.schema, 'streamload.run/v1');
    const shown = await page.textContent('#stat-requests');
    assert.equal(Number(shown), run.totals.requests, 'the page shows the final totals');
    assert.ok(
      run.history.some((h) => h.users === 4),
      'the user change is in the history',
    );

    await page.screenshot({ path: join(ARTIFACTS, 'web-ui.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});

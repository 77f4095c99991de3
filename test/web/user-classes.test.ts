/**
 * The web UI's user-class field: its choices are the classes of the scenario files named on the
 * command line, a run started from the page runs only the chosen class (counted at a server of our
 * own), and a class the file lacks is a 400 naming the file's classes, with nothing sent.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeServer, listenLocal } from '../cli/helpers.ts';
import { postJson, startWebCli, waitForView } from './helpers.ts';

const TWO_CLASSES = fileURLToPath(new URL('../fixtures/scenarios/two-classes.ts', import.meta.url));

test("the form offers the file's classes and a page-started run runs only the chosen one", {
  timeout: 90_000,
}, async () => {
  const paths = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/') paths.set(path, (paths.get(path) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const origin = await listenLocal(server);
  const web = await startWebCli(['web', '--web-port', '0', '--scenario', TWO_CLASSES]);
  try {
    const view = await waitForView(web.url, (v) => {
      const field = (v.form as { name: string; choices: { value: string }[] }[]).find(
        (f) => f.name === 'userClass',
      );
      return field !== undefined && field.choices.length > 0;
    });
    const field = (view.form as { name: string; choices: { value: string }[] }[]).find(
      (f) => f.name === 'userClass',
    );
    assert.deepEqual(
      field?.choices.map((c) => c.value),
      ['reader', 'writer'],
    );

    const form = {
      scenario: TWO_CLASSES,
      target: origin,
      protocol: 'sse',
      users: '2',
      spawnRate: '100',
      runTime: '2s',
    };
    const refused = await postJson(web.url, '/api/start', { ...form, userClass: 'admin' });
    assert.equal(refused.status, 400);
    assert.match(String(refused.json.error), /no user class "admin".*its classes: reader, writer/);
    assert.equal(paths.size, 0);

    const started = await postJson(web.url, '/api/start', { ...form, userClass: 'writer' });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    await waitForView(web.url, (v) => v.state === 'finished', 30_000);
    assert.deepEqual([...paths.keys()], ['/writer/post']);
  } finally {
    await web.stop();
    server.closeAllConnections();
    await closeServer(server);
  }
});

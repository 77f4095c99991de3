/**
 * Secrets on the command line: credentials in --target are refused before any load (and never
 * echoed), --api-key-file reads the key from a file, and no printed config carries a key.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeServer, listenLocal, runCli, tempDir } from './helpers.ts';

const SECRET = 'hunter2pw';

describe('secrets', () => {
  let server: Server;
  let origin: string;
  let requests = 0;
  const authorizations: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      requests++;
      authorizations.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: done\ndata: {}\n\n');
    });
    origin = await listenLocal(server);
  });
  after(() => closeServer(server));

  const withCredentials = () => origin.replace('http://', `http://user:${SECRET}@`);

  test('credentials in --target (flag, env, config file) exit 2 naming --header / --api-key, never echoed', async () => {
    const dir = tempDir();
    const configFile = join(dir, 'c.json');
    writeFileSync(configFile, JSON.stringify({ target: withCredentials() }));
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: ['--target', withCredentials()] },
      { args: [], env: { STREAMLOAD_TARGET: withCredentials() } },
      { args: ['--config', configFile] },
    ];
    for (const { args, env } of cases) {
      const before = requests;
      const r = await runCli(
        ['run', ...args, '--protocol', 'sse', '--run-time', '1s', '--users', '1', '--out', join(dir, 'out')],
        env === undefined ? {} : { env },
      );
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--header/);
      assert.match(r.stderr, /--api-key/);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET), r.stderr);
      assert.equal(requests, before, 'no request may be sent');
    }
  });

  test('--api-key-file sends the key from the file; no output or report carries it', async () => {
    const dir = tempDir();
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `sk-${SECRET}\n`);
    const out = join(dir, 'out');
    authorizations.length = 0;
    const r = await runCli([
      'run',
      '--target',
      origin,
      '--protocol',
      'sse',
      '--terminal-event',
      'done',
      '--api-key-file',
      keyFile,
      '--iterations',
      '3',
      '--users',
      '1',
      '--out',
      out,
      '--json-summary',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(authorizations.includes(`Bearer sk-${SECRET}`), authorizations.join(','));
    assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET));
    for (const file of readdirSync(out)) {
      assert.ok(!readFileSync(join(out, file), 'utf8').includes(SECRET), `${file} carries the key`);
    }
  });

  test('--api-key-file: a missing file or one given with --api-key exits 2 naming the option', async () => {
    const dir = tempDir();
    const missing = await runCli(['run', '--target', origin, '--api-key-file', join(dir, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--api-key-file/);
    writeFileSync(join(dir, 'k'), 'x\n');
    const both = await runCli([
      'run',
      '--target',
      origin,
      '--api-key-file',
      join(dir, 'k'),
      '--api-key',
      'y',
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--api-key-file/);
  });
});

/**
 * `streamload setup` reaches Dify as `run` reaches its target: through Debian's tinyproxy
 * (HTTP_PROXY, `--proxy`, `--no-proxy`) and to an https console behind nginx with a private CA
 * (`--ca`, `--insecure`), every request included (console calls, key checks, `--check`), with
 * `run`'s one-line errors for an untrusted certificate and bad option values.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { WorkflowServer } from '../../src/targets/workflow-server/server.ts';
import { runCli, startWorkflowTarget, tempDir, type WorkflowTarget } from '../cli/helpers.ts';
import {
  type Certificates,
  freePort,
  makeCertificates,
  type RunningServer,
  serverDir,
  startNginx,
  startTinyproxy,
} from './real-servers.ts';

const PASSWORD = 'Load-Test-9';
const CHATFLOW = fileURLToPath(new URL('../fixtures/chatflow.yml', import.meta.url));
/** No proxy from the machine's own environment: each test says which one it wants. */
const NO_ENV_PROXY = {
  HTTP_PROXY: '',
  HTTPS_PROXY: '',
  NO_PROXY: '',
  http_proxy: '',
  https_proxy: '',
  no_proxy: '',
};

let target: WorkflowTarget;
let server: WorkflowServer;

before(async () => {
  target = await startWorkflowTarget(
    { firstTokenMs: 2, interTokenMs: 1, tokens: [3, 3] },
    { console: { password: PASSWORD } },
  );
  server = target.server;
});

after(() => target?.close());

/** `setup` of the chatflow fixture against `console`, in `cwd`, with `env` over a proxy-free one. */
function setup(console: string, cwd: string, env: Record<string, string>, ...extra: string[]) {
  return runCli(
    [
      'setup',
      '--console',
      console,
      '--email',
      'admin@example.com',
      '--init-admin',
      'Admin',
      '--dsl',
      CHATFLOW,
      ...extra,
    ],
    { cwd, timeoutMs: 60_000, env: { ...NO_ENV_PROXY, STREAMLOAD_DIFY_PASSWORD: PASSWORD, ...env } },
  );
}

/** The only stderr line, without the `streamload: ` prefix. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  return (lines[0] as string).replace(/^streamload: /, '');
}

describe('setup through a forward proxy (tinyproxy)', () => {
  let proxy: RunningServer;
  let nginx: RunningServer;
  let certs: Certificates;
  before(async () => {
    const dir = serverDir();
    certs = makeCertificates(dir);
    proxy = await startTinyproxy(dir);
    nginx = await startNginx(dir, server.url, certs);
  });
  after(async () => {
    await proxy?.stop();
    await nginx?.stop();
  });

  /** The proxy's log lines that contain `request` (`POST http://…/path `, `CONNECT host:port `). */
  const proxied = (request: string) =>
    proxy
      .log()
      .split('\n')
      .filter((line) => line.includes(`${request} `)).length;
  const tunnels = () => proxied(`CONNECT ${new URL(nginx.url).host}`);

  test('HTTPS_PROXY tunnels every call to an https console (with --ca); --proxy carries --check', {
    timeout: 150_000,
  }, async () => {
    const dir = tempDir();
    const r = await setup(
      nginx.url,
      dir,
      { HTTPS_PROXY: proxy.url, https_proxy: proxy.url },
      '--ca',
      certs.ca,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^✔ logged in as admin@example\.com \(cookie session with CSRF token, password sent base64-encoded\)$/m,
    );
    assert.match(r.stdout, /^✔ key of chatflow_test works \(GET \/v1\/parameters → 200\)$/m);
    const opened = tunnels();
    assert.ok(opened >= 1, proxy.log());

    const check = await runCli(['setup', '--check', '--proxy', proxy.url, '--ca', certs.ca], {
      cwd: dir,
      timeoutMs: 30_000,
      env: NO_ENV_PROXY,
    });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /streamload\.yml is valid/);
    assert.ok(tunnels() > opened, proxy.log());
  });

  test('a dead HTTP_PROXY fails with one line; --no-proxy ignores it; --proxy carries a plain-http --check', {
    timeout: 150_000,
  }, async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const env = { HTTP_PROXY: dead, http_proxy: dead };
    const failed = await setup(server.url, tempDir(), env);
    assert.equal(failed.code, 2, failed.stderr);
    assert.match(
      oneLine(failed.stderr),
      /^cannot reach the Dify console at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is it running/,
    );

    const dir = tempDir();
    const logins = proxied(`POST ${server.url}/console/api/login`);
    const direct = await setup(server.url, dir, env, '--no-proxy');
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stdout, /^✔ key of chatflow_test works/m);
    assert.equal(proxied(`POST ${server.url}/console/api/login`), logins, 'nothing went through tinyproxy');

    const checks = proxied(`GET ${server.url}/v1/parameters`);
    const check = await runCli(['setup', '--check', '--proxy', proxy.url], {
      cwd: dir,
      timeoutMs: 30_000,
      env,
    });
    assert.equal(check.code, 0, check.stderr);
    assert.equal(proxied(`GET ${server.url}/v1/parameters`), checks + 1, proxy.log());
  });

  test('a plain-http console behind tinyproxy loses its CSRF cookie: one line naming the cause and the fix', {
    timeout: 90_000,
  }, async () => {
    // tinyproxy 1.11 forwards only the first of several Set-Cookie headers (tinyproxy issue #403).
    const r = await setup(server.url, tempDir(), { HTTP_PROXY: proxy.url, http_proxy: proxy.url });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      oneLine(r.stderr),
      /^login at http:\/\/127\.0\.0\.1:\d+ answered without its csrf_token cookie: .*--no-proxy/,
    );
    assert.ok(proxied(`POST ${server.url}/console/api/login`) >= 1, proxy.log());
  });

  test("bad proxy values exit 2 with run's one line, before any request", { timeout: 60_000 }, async () => {
    const flag = await setup(server.url, tempDir(), {}, '--proxy', 'not a url');
    assert.equal(flag.code, 2, flag.stderr);
    const run = await runCli(['run', '--target', server.url, '--proxy', 'not a url'], { env: NO_ENV_PROXY });
    assert.equal(oneLine(flag.stderr), oneLine(run.stderr));
    assert.match(oneLine(flag.stderr), /^--proxy: /);

    const env = await setup(server.url, tempDir(), { HTTP_PROXY: 'not a url', http_proxy: 'not a url' });
    assert.equal(env.code, 2, env.stderr);
    assert.equal(
      oneLine(env.stderr),
      'HTTP_PROXY: expected a proxy URL like http://user:pass@proxy:3128, got "not a url" (or use --no-proxy)',
    );
  });
});

describe('setup against an https console with a private CA (nginx)', () => {
  let nginx: RunningServer;
  let certs: Certificates;
  before(async () => {
    const dir = serverDir();
    certs = makeCertificates(dir);
    nginx = await startNginx(dir, server.url, certs);
  });
  after(async () => {
    await nginx?.stop();
  });

  const logged = (path: string) =>
    nginx
      .log()
      .split('\n')
      .filter((line) => line.includes(` ${path} `)).length;

  test('an untrusted certificate fails with the one line run prints; --ca succeeds and --check uses it', {
    timeout: 150_000,
  }, async () => {
    const untrusted = await setup(nginx.url, tempDir(), {});
    assert.equal(untrusted.code, 2, untrusted.stderr);
    assert.equal(
      oneLine(untrusted.stderr),
      `TLS: ${nginx.url}: self-signed certificate in chain; use --ca FILE or --insecure`,
    );

    const dir = tempDir();
    const trusted = await setup(nginx.url, dir, {}, '--ca', certs.ca);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.match(trusted.stdout, /^✔ key of chatflow_test works/m);
    assert.doesNotMatch(trusted.stdout, /insecure/);
    assert.ok(logged('/console/api/login') >= 1, nginx.log());
    const checks = logged('/v1/parameters');
    assert.ok(checks >= 1, nginx.log());

    // --check reaches the saved https target only with the CA too.
    const noCa = await runCli(['setup', '--check'], { cwd: dir, timeoutMs: 30_000, env: NO_ENV_PROXY });
    assert.equal(noCa.code, 2, noCa.stderr);
    assert.match(oneLine(noCa.stderr), /^TLS: https:\/\/127\.0\.0\.1:\d+: self-signed certificate in chain/);
    const check = await runCli(['setup', '--check', '--ca', certs.ca], {
      cwd: dir,
      timeoutMs: 30_000,
      env: NO_ENV_PROXY,
    });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /streamload\.yml is valid: 1 app\(s\) answer on https:/);
    assert.equal(logged('/v1/parameters'), checks + 1, nginx.log());
  });

  test('--insecure succeeds and says so; an unreadable --ca is refused as run refuses it', {
    timeout: 150_000,
  }, async () => {
    const insecure = await setup(nginx.url, tempDir(), {}, '--insecure');
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.match(insecure.stdout, /^! --insecure: TLS certificates are not verified \(testing only\)$/m);
    assert.match(insecure.stdout, /^✔ key of chatflow_test works/m);

    const missing = join(tempDir(), 'missing.pem');
    const r = await setup(nginx.url, tempDir(), {}, '--ca', missing);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(oneLine(r.stderr), `--ca: cannot read ${missing} (ENOENT)`);
  });
});

/**
 * The embedded `serve workflow` behind Debian's nginx with TLS (a private CA made by openssl) and
 * HTTP/2: an untrusted certificate stops the run at preflight with one line (exit 2); `--ca` and
 * `--insecure` runs succeed; `--http2` multiplexes streams over fewer TCP connections, and the
 * report says so; `--header` values and the User-Agent reach nginx.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI_MAIN } from '../../src/cli/entries.ts';
import { type EmbeddedTargets, startEmbeddedTargets } from '../../src/engine/embedded-targets.ts';
import { runCli, tempDir } from '../cli/helpers.ts';
import {
  type Certificates,
  makeCertificates,
  type RunningServer,
  serverDir,
  startNginx,
} from './real-servers.ts';

let targets: EmbeddedTargets;
let nginx: RunningServer & { readonly mtlsUrl: string };
let certs: Certificates;

before(async () => {
  const dir = serverDir();
  certs = makeCertificates(dir);
  // Fast streams: the test is about the transport, not the mock LLM's pacing.
  targets = await startEmbeddedTargets(CLI_MAIN, [
    '--first-token-ms',
    '20',
    '--inter-token-ms',
    '5',
    '--tokens',
    '20',
  ]);
  nginx = await startNginx(dir, targets.workflowUrl, certs);
});

after(async () => {
  await nginx?.stop();
  await targets?.close();
});

const load = (...extra: string[]) => [
  'run',
  '--target',
  nginx.url,
  '--protocol',
  'workflow',
  '--api-key',
  'app-llm',
  '--users',
  '8',
  '--spawn-rate',
  '100',
  '--iterations',
  '24',
  '--json-summary',
  ...extra,
];

const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '' };

test('an untrusted certificate fails the preflight with one line naming the cause and the fix', {
  timeout: 60_000,
}, async () => {
  const r = await runCli([...load(), '--out', tempDir()], { env: noProxy, timeoutMs: 45_000 });
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /self-signed certificate in chain; use --ca FILE or --insecure/);
});

test('--ca trusts the private CA: the run succeeds over TLS, headers and User-Agent reach nginx', {
  timeout: 120_000,
}, async () => {
  const r = await runCli(
    [...load('--ca', certs.ca, '--header', 'X-Streamload-Test: tls-ca'), '--out', tempDir()],
    {
      env: noProxy,
      timeoutMs: 90_000,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary!.totals.requests, 24);
  assert.equal(r.summary!.totals.failures, 0);
  assert.ok(r.summary!.totals.events > 24);
  const lines = nginx
    .log()
    .split('\n')
    .filter((l) => l.includes('test="tls-ca"'));
  assert.equal(lines.length, 24 + 1, 'the preflight and every request carried --header');
  assert.ok(lines.every((l) => /ua="streamload\/\d+\.\d+\.\d+"/.test(l) && l.startsWith('HTTP/1.1 ')));
});

test('--insecure skips verification and says so in the console and run.json', {
  timeout: 120_000,
}, async () => {
  const r = await runCli([...load('--insecure'), '--out', tempDir()], { env: noProxy, timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary!.totals.failures, 0);
  assert.match(r.stderr, /--insecure: TLS certificates are not verified/);
  assert.ok(r.summary!.warnings.some((w: string) => w.startsWith('--insecure')));
  assert.equal(r.summary!.environment.tls.insecure, true);
  // Split over processes, the merged run says the same.
  const split = await runCli([...load('--insecure', '--processes', '2'), '--out', tempDir()], {
    env: noProxy,
    timeoutMs: 90_000,
  });
  assert.equal(split.code, 0, split.stderr);
  assert.equal(split.summary!.totals.requests, 24);
  assert.ok(
    split.summary!.warnings.some((w: string) => w.startsWith('--insecure')),
    split.summary!.warnings,
  );
  assert.ok(split.summary!.connections.tcp > 0);
});

test('--http2 multiplexes the streams over fewer TCP connections, and the report shows both', {
  timeout: 120_000,
}, async () => {
  const out = tempDir();
  const r = await runCli(
    [...load('--ca', certs.ca, '--http2', '--header', 'X-Streamload-Test: h2'), '--out', out],
    { env: noProxy, timeoutMs: 90_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = r.summary!;
  assert.equal(summary.totals.failures, 0);
  assert.equal(summary.totals.streams, 24);
  assert.ok(summary.totals.events > 24, 'events were counted over HTTP/2');
  assert.ok(summary.connections.tcp >= 1);
  assert.ok(summary.connections.tcp < summary.totals.streams, JSON.stringify(summary.connections));
  assert.equal(summary.connections.http2, summary.connections.tcp);
  assert.deepEqual(summary.warnings, []);
  const lines = nginx
    .log()
    .split('\n')
    .filter((l) => l.includes('test="h2"'));
  assert.ok(lines.length === 25 && lines.every((l) => l.startsWith('HTTP/2.0 ')), lines.join('\n'));
  const report = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(
    report,
    new RegExp(
      `TCP connections \\| ${summary.connections.tcp} \\(HTTP/2: ${summary.connections.http2}\\) for 24 streams`,
    ),
  );
  assert.match(
    r.stderr,
    new RegExp(
      `TCP connections: ${summary.connections.tcp} \\(HTTP/2: ${summary.connections.http2}\\) for 24 streams`,
    ),
  );
});

test('--http2 against a plain-http target reports the fallback to HTTP/1.1', {
  timeout: 120_000,
}, async () => {
  const r = await runCli(
    [...load('--http2').map((a) => (a === nginx.url ? targets.workflowUrl : a)), '--out', tempDir()],
    { env: noProxy, timeoutMs: 90_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary!.connections.http2, 0);
  assert.ok(
    r.summary!.warnings.some((w: string) => /--http2: .* HTTP\/1\.1/.test(w)),
    r.summary!.warnings,
  );
});

test('--cert/--key present a client certificate to an mTLS server; --servername checks another name', {
  timeout: 120_000,
}, async () => {
  const toMtls = (args: string[]) => args.map((a) => (a === nginx.url ? nginx.mtlsUrl : a));
  const refused = await runCli([...toMtls(load('--ca', certs.ca)), '--out', tempDir()], {
    env: noProxy,
    timeoutMs: 60_000,
  });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /\(400\)/);
  const mtls = await runCli(
    [
      ...toMtls(load('--ca', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey)),
      '--out',
      tempDir(),
    ],
    { env: noProxy, timeoutMs: 90_000 },
  );
  assert.equal(mtls.code, 0, mtls.stderr);
  assert.equal(mtls.summary!.totals.failures, 0);
  assert.equal(mtls.summary!.environment.tls.clientCertificate, certs.clientCert);
  const wrongName = await runCli(
    [...load('--ca', certs.ca, '--servername', 'api.example.internal'), '--out', tempDir()],
    { env: noProxy, timeoutMs: 60_000 },
  );
  assert.equal(wrongName.code, 2, wrongName.stderr);
  assert.match(wrongName.stderr, /certificate does not name this host .*--servername/);
  const rightName = await runCli(
    [...load('--ca', certs.ca, '--servername', 'localhost'), '--out', tempDir()],
    {
      env: noProxy,
      timeoutMs: 90_000,
    },
  );
  assert.equal(rightName.code, 0, rightName.stderr);
});

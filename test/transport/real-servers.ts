/**
 * Real infrastructure for the transport tests, all on 127.0.0.1 and in one temp folder per test:
 * Debian's tinyproxy as a forward proxy, Debian's nginx as a TLS + HTTP/2 reverse proxy (as Dify's
 * own deployment puts nginx in front of its API), and a CA plus a server certificate made by openssl.
 * `.ci/run` installs the three packages (scripts/install-test-deps.sh).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemCommand } from '../cli/helpers.ts';

/** A folder the servers' unprivileged workers (user nobody) may write their logs and temp files in. */
export function serverDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamload-transport-'));
  chmodSync(dir, 0o777);
  return dir;
}

/** A port free a moment ago (tinyproxy and nginx cannot report an ephemeral one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port (bounded: 50 tries, 100 ms apart). */
export async function waitForPort(port: number, child: ChildProcess, what: string, output: () => string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket: Socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port}: ${output()}`);
}

export interface RunningServer {
  readonly url: string;
  /** The server's log (tinyproxy's log file, nginx's access log). */
  log(): string;
  stop(): Promise<void>;
}

export function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** tinyproxy in the foreground (`-d`) with its own config; as root it drops to nobody:nogroup. */
export async function startTinyproxy(dir: string): Promise<RunningServer> {
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const config = join(dir, 'tinyproxy.conf');
  writeFileSync(
    config,
    [
      'User nobody',
      'Group nogroup',
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      'MaxClients 200',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
      '',
    ].join('\n'),
  );
  const child = spawn(systemCommand('tinyproxy'), ['-d', '-c', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  await waitForPort(port, child, 'tinyproxy', () => output + readOr(logFile));
  return { url: `http://127.0.0.1:${port}`, log: () => readOr(logFile), stop: stopper(child) };
}

export interface Certificates {
  /** The CA to trust (`--ca`). */
  readonly ca: string;
  /** Server certificate + CA: the chain nginx sends. */
  readonly chain: string;
  readonly key: string;
  /** A client certificate and key the CA signed (mTLS). */
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A private CA and a server certificate it signed for 127.0.0.1 and localhost. */
export function makeCertificates(dir: string): Certificates {
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync(systemCommand('openssl'), args, { stdio: 'pipe' });
  const key = (name: string) => ['-newkey', 'rsa:2048', '-nodes', '-keyout', path(`${name}.key`)];
  openssl(
    'req',
    '-x509',
    ...key('ca'),
    '-days',
    '2',
    '-subj',
    '/CN=streamload test CA',
    '-out',
    path('ca.pem'),
  );
  /** A key and a certificate the CA signed; `extensions`: an openssl extfile line. */
  const sign = (name: string, subject: string, extensions?: string) => {
    openssl('req', ...key(name), '-subj', subject, '-out', path(`${name}.csr`));
    const ext = extensions === undefined ? [] : ['-extfile', path(`${name}.ext`)];
    if (extensions !== undefined) writeFileSync(path(`${name}.ext`), `${extensions}\n`);
    const ca = ['-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial'];
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      ...ca,
      '-days',
      '2',
      ...ext,
      '-out',
      path(`${name}.pem`),
    );
    chmodSync(path(`${name}.key`), 0o644); // nginx's workers run as nobody
  };
  sign('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  sign('client', '/CN=streamload test client');
  writeFileSync(path('chain.pem'), readOr(path('server.pem')) + readOr(path('ca.pem')));
  return {
    ca: path('ca.pem'),
    chain: path('chain.pem'),
    key: path('server.key'),
    clientCert: path('client.pem'),
    clientKey: path('client.key'),
  };
}

/**
 * nginx in the foreground (`daemon off;`), TLS and HTTP/2 on 127.0.0.1, streaming (no buffering)
 * to `upstream`; its access log records protocol, User-Agent and the test header per request.
 */
export async function startNginx(
  dir: string,
  upstream: string,
  certs: Certificates,
): Promise<RunningServer & { readonly mtlsUrl: string }> {
  const port = await freePort();
  const mtlsPort = await freePort();
  const accessLog = join(dir, 'access.log');
  const config = join(dir, 'nginx.conf');
  const temp = (name: string) => `${name} ${join(dir, name.replace(/_path$/, ''))};`;
  writeFileSync(
    config,
    `daemon off;
worker_processes 1;
user nobody nogroup;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  log_format streamload '$server_protocol $request_method $uri $status ua="$http_user_agent" test="$http_x_streamload_test"';
  access_log ${accessLog} streamload;
  ${temp('client_body_temp_path')}
  ${temp('proxy_temp_path')}
  ${temp('fastcgi_temp_path')}
  ${temp('uwsgi_temp_path')}
  ${temp('scgi_temp_path')}
  ssl_certificate ${certs.chain};
  ssl_certificate_key ${certs.key};
  proxy_http_version 1.1;
  proxy_set_header Connection '';
  proxy_buffering off;
  proxy_read_timeout 120s;
  server {
    listen 127.0.0.1:${port} ssl http2;
    location / { proxy_pass ${upstream}; }
  }
  # mTLS: only clients with a certificate the CA signed.
  server {
    listen 127.0.0.1:${mtlsPort} ssl;
    ssl_verify_client on;
    ssl_client_certificate ${certs.ca};
    location / { proxy_pass ${upstream}; }
  }
}
`,
  );
  const child = spawn(systemCommand('nginx'), ['-p', dir, '-c', config, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (d) => {
    output += d;
  });
  await waitForPort(port, child, 'nginx', () => output + readOr(join(dir, 'error.log')));
  return {
    url: `https://127.0.0.1:${port}`,
    mtlsUrl: `https://127.0.0.1:${mtlsPort}`,
    log: () => readOr(accessLog),
    stop: stopper(child),
  };
}

/**
 * Real things to monitor, started by the tests themselves on this machine: Debian's
 * prometheus-node-exporter on a loopback port, and a real dockerd on a unix socket in a temp folder
 * (no iptables, no bridge: nothing leaves the machine) running a container imported offline from a
 * root filesystem that holds Debian's static busybox. Nothing is pulled from a registry.
 * `.ci/run` installs the packages (scripts/install-test-deps.sh).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemCommand } from '../cli/helpers.ts';
import { freePort, type RunningServer, stopper, waitForPort } from '../transport/real-servers.ts';

const run = promisify(execFile);

/** node_exporter with two cheap collectors (memory, load average), on 127.0.0.1 only. */
export async function startNodeExporter(): Promise<RunningServer> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    systemCommand('prometheus-node-exporter'),
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.meminfo',
      '--collector.loadavg',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitForPort(port, child, 'prometheus-node-exporter', () => output);
  return { url: `http://127.0.0.1:${port}/metrics`, log: () => output, stop: stopper(child) };
}

export interface Dockerd {
  /** `unix:///…/docker.sock`, for DOCKER_HOST. */
  readonly host: string;
  /** A running container (by name) that keeps four CPU loops busy (a share of the cores even on a busy machine). */
  readonly spinner: string;
  stop(): Promise<void>;
}

/** Waits (bounded: 100 tries, 200 ms apart) until the daemon answers `docker version`. */
async function waitForDaemon(host: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode}): ${output()}`);
    try {
      await run(systemCommand('docker'), ['-H', host, 'version'], { timeout: 5_000 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`dockerd did not answer on ${host}: ${output()}`);
}

/**
 * A dockerd of the test's own (its socket, data and exec roots in a temp folder; vfs storage works
 * on any file system) and one container made with `docker import` from a tar of busybox-static.
 */
export async function startDockerd(): Promise<Dockerd> {
  // Short paths: a unix socket path is limited to 107 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'sl-dk-'));
  const host = `unix://${join(dir, 'd.sock')}`;
  let output = '';
  const child = spawn(
    systemCommand('dockerd'),
    [
      '--host',
      host,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'x'),
      '--pidfile',
      join(dir, 'd.pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver',
      'vfs',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    },
  );
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const stopDaemon = stopper(child);
  try {
    await waitForDaemon(host, child, () => output);
    const root = join(dir, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
    symlinkSync('busybox', join(root, 'bin', 'sh'));
    await run('tar', ['-C', root, '-cf', join(dir, 'root.tar'), '.']);
    const docker = (...args: string[]) =>
      run(systemCommand('docker'), ['-H', host, ...args], { timeout: 60_000 });
    await docker('import', join(dir, 'root.tar'), 'streamload-spin:test');
    const spinner = `spin-${process.pid}`;
    await docker(
      'run',
      '-d',
      '--name',
      spinner,
      '--network',
      'none',
      'streamload-spin:test',
      '/bin/sh',
      '-c',
      'for i in 1 2 3; do (while :; do :; done) & done; while :; do :; done',
    );
    return {
      host,
      spinner,
      async stop() {
        await docker('rm', '-f', spinner).catch(() => {});
        await stopDaemon();
        removeQuietly(dir);
      },
    };
  } catch (error) {
    await stopDaemon();
    removeQuietly(dir);
    throw error;
  }
}

/** The daemon's folder; a mount it left behind (it should not) must not fail the test. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {}
}

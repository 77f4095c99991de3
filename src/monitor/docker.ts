/**
 * `docker:NAME|ID` sources: a container's CPU, memory, network and block I/O from the Docker Engine
 * API's stats (`GET /containers/{id}/stats?stream=false&one-shot=true`) over its unix socket, no
 * `docker` CLI needed. CPU % and memory are computed as `docker stats` computes them; network and
 * block I/O, cumulative in the API, become bytes per second between two samples.
 */
import { boundedGet } from './http-get.ts';
import type { MonitorValues } from './types.ts';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where the engine listens: `DOCKER_HOST` (unix:///path or tcp://host:port), else the default socket. */
export interface DockerEndpoint {
  readonly base: string;
  readonly socketPath?: string;
  /** For messages: the socket path or the tcp address. */
  readonly shown: string;
}

export function dockerEndpoint(dockerHost: string | undefined): DockerEndpoint {
  const host = dockerHost === undefined || dockerHost === '' ? `unix://${DEFAULT_SOCKET}` : dockerHost;
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    return { base: 'http://docker', socketPath, shown: socketPath };
  }
  if (host.startsWith('tcp://')) {
    const address = host.slice('tcp://'.length);
    return { base: `http://${address}`, shown: address };
  }
  throw new Error(`DOCKER_HOST "${host}": expected unix:///path or tcp://host:port`);
}

/** The parts of the stats answer used here (cgroup v1 and v2 both). */
interface Stats {
  readonly cpu_stats?: {
    readonly cpu_usage?: { readonly total_usage?: number; readonly percpu_usage?: readonly number[] };
    readonly system_cpu_usage?: number;
    readonly online_cpus?: number;
  };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly stats?: Readonly<Record<string, number>>;
  };
  readonly networks?: Readonly<Record<string, { readonly rx_bytes?: number; readonly tx_bytes?: number }>>;
  readonly blkio_stats?: {
    readonly io_service_bytes_recursive?: readonly { readonly op?: string; readonly value?: number }[] | null;
  };
}

/** The counters of one stats answer, all cumulative but memory. */
export interface DockerCounters {
  readonly cpuNs: number;
  readonly systemNs: number;
  readonly cpus: number;
  readonly memBytes: number;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly readBytes: number;
  readonly writeBytes: number;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function countersOf(stats: Stats): DockerCounters {
  const cpu = stats.cpu_stats ?? {};
  const mem = stats.memory_stats ?? {};
  const memStats = mem.stats ?? {};
  // docker stats: usage minus the page cache that could be reclaimed (cgroup v1 / v2 names).
  const cache = num(memStats.total_inactive_file ?? memStats.inactive_file);
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(stats.networks ?? {})) {
    rx += num(n.rx_bytes);
    tx += num(n.tx_bytes);
  }
  let read = 0;
  let write = 0;
  for (const e of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op === 'read') read += num(e.value);
    else if (op === 'write') write += num(e.value);
  }
  return {
    cpuNs: num(cpu.cpu_usage?.total_usage),
    systemNs: num(cpu.system_cpu_usage),
    cpus: num(cpu.online_cpus) || (cpu.cpu_usage?.percpu_usage?.length ?? 1),
    memBytes: Math.max(0, num(mem.usage) - cache),
    rxBytes: rx,
    txBytes: tx,
    readBytes: read,
    writeBytes: write,
  };
}

/** One sample from two answers: `docker stats`' CPU formula, byte counters as rates. */
export function dockerValues(
  before: DockerCounters | null,
  now: DockerCounters,
  elapsedMs: number,
): MonitorValues {
  const values: Record<string, number> = { mem_bytes: now.memBytes };
  if (before === null || elapsedMs <= 0) return values;
  const cpu = now.cpuNs - before.cpuNs;
  const system = now.systemNs - before.systemNs;
  values.cpu_pct = system > 0 && cpu >= 0 ? (cpu / system) * now.cpus * 100 : 0;
  const perS = (a: number, b: number) => Math.max(0, a - b) / (elapsedMs / 1000);
  values.net_rx_bytes_per_s = perS(now.rxBytes, before.rxBytes);
  values.net_tx_bytes_per_s = perS(now.txBytes, before.txBytes);
  values.block_read_bytes_per_s = perS(now.readBytes, before.readBytes);
  values.block_write_bytes_per_s = perS(now.writeBytes, before.writeBytes);
  return values;
}

async function readStats(endpoint: DockerEndpoint, container: string, timeoutMs: number): Promise<Stats> {
  let answer: Awaited<ReturnType<typeof boundedGet>>;
  try {
    answer = await boundedGet(
      `${endpoint.base}/containers/${encodeURIComponent(container)}/stats?stream=false&one-shot=true`,
      {
        ...(endpoint.socketPath === undefined ? {} : { socketPath: endpoint.socketPath }),
        timeoutMs,
        maxBytes: 1024 * 1024,
      },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined)
      throw new Error(`the Docker engine at ${endpoint.shown}: ${(error as Error).message}`);
    throw new Error(`cannot reach the Docker engine at ${endpoint.shown} (${code}); set DOCKER_HOST`);
  }
  if (answer.status === 404)
    throw new Error(`no container "${container}" on the Docker engine at ${endpoint.shown}`);
  if (answer.status !== 200) throw new Error(`the Docker engine answered ${answer.status}`);
  const stats = JSON.parse(answer.body) as Stats;
  // A stopped container answers 200 with zeroed stats: no CPU clock, no memory.
  if (num(stats.cpu_stats?.system_cpu_usage) === 0 && num(stats.memory_stats?.usage) === 0)
    throw new Error(`container "${container}" is not running`);
  return stats;
}

export function dockerSampler(
  endpoint: DockerEndpoint,
  container: string,
  now: () => number,
  timeoutMs: number,
) {
  let before: DockerCounters | null = null;
  let beforeMs = 0;
  return async function sample(): Promise<MonitorValues> {
    const counters = countersOf(await readStats(endpoint, container, timeoutMs));
    const ms = now();
    const values = dockerValues(before, counters, ms - beforeMs);
    before = counters;
    beforeMs = ms;
    return values;
  };
}

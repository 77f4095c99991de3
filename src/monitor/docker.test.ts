import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countersOf, dockerEndpoint, dockerValues } from './docker.ts';

/** The fields of a real `GET /containers/{id}/stats?stream=false&one-shot=true` answer (cgroup v2). */
const answer = (cpuNs: number, systemNs: number) => ({
  cpu_stats: { cpu_usage: { total_usage: cpuNs }, system_cpu_usage: systemNs, online_cpus: 2 },
  memory_stats: { usage: 10_000_000, stats: { inactive_file: 2_000_000 } },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 500 }, eth1: { rx_bytes: 24, tx_bytes: 0 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'read', value: 4096 },
      { op: 'write', value: 8192 },
    ],
  },
});

test('counters as docker stats reads them: memory without the inactive page cache, I/O summed', () => {
  const c = countersOf(answer(5e9, 100e9));
  assert.deepEqual(c, {
    cpuNs: 5e9,
    systemNs: 100e9,
    cpus: 2,
    memBytes: 8_000_000,
    rxBytes: 1024,
    txBytes: 500,
    readBytes: 4096,
    writeBytes: 8192,
  });
  // cgroup v1 names the cache total_inactive_file; an empty answer reads as zeros, never NaN.
  assert.equal(countersOf({ memory_stats: { usage: 50, stats: { total_inactive_file: 20 } } }).memBytes, 30);
  assert.equal(countersOf({}).cpus, 1);
});

test("CPU % is docker stats' formula: container delta / system delta × online CPUs × 100", () => {
  const before = countersOf(answer(5e9, 100e9));
  // System clock advanced 2 s on each of 2 CPUs (4e9 ns); the container used 1.5e9 ns: 75 % of a core.
  const now = { ...countersOf(answer(6.5e9, 104e9)), rxBytes: 3072 };
  const v = dockerValues(before, now, 2000);
  assert.equal(v.cpu_pct, 75);
  assert.equal(v.net_rx_bytes_per_s, 1024);
  assert.equal(v.mem_bytes, 8_000_000);
  assert.deepEqual(Object.keys(dockerValues(null, now, 0)), ['mem_bytes']);
});

test('DOCKER_HOST: unix and tcp; other schemes refused', () => {
  assert.deepEqual(dockerEndpoint(undefined), {
    base: 'http://docker',
    socketPath: '/var/run/docker.sock',
    shown: '/var/run/docker.sock',
  });
  assert.equal(dockerEndpoint('unix:///tmp/d.sock').socketPath, '/tmp/d.sock');
  assert.equal(dockerEndpoint('tcp://127.0.0.1:2375').base, 'http://127.0.0.1:2375');
  assert.throws(() => dockerEndpoint('ssh://host'), /DOCKER_HOST "ssh:\/\/host"/);
});

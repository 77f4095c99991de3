import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseSelector, prometheusSampler, readScrape } from './prometheus.ts';

const SCRAPE = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 100
node_cpu_seconds_total{cpu="1",mode="idle"} 50
node_cpu_seconds_total{cpu="0",mode="user"} 7
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="m"} 3
# TYPE node_load1 gauge
node_load1 0.25
`;

test('readScrape sums the label sets a selector picks and says which families are counters', () => {
  const got = readScrape(
    SCRAPE,
    ['node_cpu_seconds_total{mode="idle"}', 'vllm:num_requests_running', 'node_load1', 'absent_metric'].map(
      parseSelector,
    ),
  );
  assert.deepEqual(Object.fromEntries(got), {
    'node_cpu_seconds_total{mode="idle"}': { value: 150, counter: true },
    'vllm:num_requests_running': { value: 3, counter: false },
    node_load1: { value: 0.25, counter: false },
  });
});

test('the sampler reports gauges as they are and counters as rates; without a list, the defaults present', async () => {
  let idle = 150;
  const server = createServer((_req, res) => {
    res.end(SCRAPE.replace('} 100', `} ${idle - 50}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  try {
    let ms = 0;
    const sample = prometheusSampler(url, null, () => ms, 2000);
    const first = await sample();
    assert.deepEqual({ ...first }, { 'vllm:num_requests_running': 3, node_load1: 0.25 });
    idle += 4;
    ms = 2000;
    const second = await sample();
    assert.equal(second['node_cpu_seconds_total{mode="idle"}'], 2); // 4 s of idle CPU in 2 s
    const chosen = prometheusSampler(`${url}`, ['nope_metric'], () => 0, 2000);
    await assert.rejects(chosen(), /has none of nope_metric/);
  } finally {
    server.close();
  }
});

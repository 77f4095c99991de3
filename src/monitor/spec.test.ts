import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_MONITOR_SOURCES, parseMonitorSpec, parseMonitorSpecs } from './spec.ts';

test('each kind parses into its source', () => {
  assert.deepEqual(parseMonitorSpec('pid:42'), { kind: 'pid', name: 'pid:42', pid: 42 });
  const cmd = parseMonitorSpec('cmd:uvicorn .*app');
  assert.equal(cmd.kind, 'cmd');
  assert.ok(cmd.kind === 'cmd' && cmd.pattern.test('python -m uvicorn my:app'));
  assert.deepEqual(parseMonitorSpec('docker:dify-api-1'), {
    kind: 'docker',
    name: 'docker:dify-api-1',
    container: 'dify-api-1',
  });
  assert.deepEqual(parseMonitorSpec('prometheus:http://127.0.0.1:9100/metrics'), {
    kind: 'prometheus',
    name: 'prometheus:http://127.0.0.1:9100/metrics',
    url: 'http://127.0.0.1:9100/metrics',
    metrics: null,
  });
  const chosen = parseMonitorSpec('prometheus:http://h:8000/metrics#vllm:num_requests_running, node_load1');
  assert.ok(chosen.kind === 'prometheus');
  assert.deepEqual(chosen.metrics, ['vllm:num_requests_running', 'node_load1']);
  const labelled = parseMonitorSpec('prometheus:http://h/metrics#node_cpu_seconds_total{mode="idle"}');
  assert.ok(labelled.kind === 'prometheus');
  assert.deepEqual(labelled.metrics, ['node_cpu_seconds_total{mode="idle"}']);
});

test('bad specs say what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['42', /expected pid:N, cmd:PATTERN/],
    ['cpu:1', /expected pid:N/],
    ['pid:', /nothing after "pid:"/],
    ['pid:-3', /positive integer/],
    ['pid:abc', /positive integer/],
    ['cmd:(', /not a regular expression/],
    ['docker:../etc', /not a container name/],
    ['prometheus:nope', /not a URL/],
    ['prometheus:ftp://h/metrics', /http or https/],
    ['prometheus:http://u:p@h/metrics', /credentials/],
    ['prometheus:http://h/metrics#', /no metric/],
    ['prometheus:http://h/metrics#bad-name', /not a metric name/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseMonitorSpec(text), message, text);
});

test('a run has at most MAX_MONITOR_SOURCES distinct sources', () => {
  assert.throws(() => parseMonitorSpecs(['pid:1', 'pid:1']), /given twice/);
  const many = Array.from({ length: MAX_MONITOR_SOURCES + 1 }, (_, i) => `pid:${i + 1}`);
  assert.throws(() => parseMonitorSpecs(many), /at most/);
  assert.equal(parseMonitorSpecs(many.slice(1)).length, MAX_MONITOR_SOURCES);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuTimes, createMachineMeter, parseCpuTimes, stealShare } from './cpu-steal.ts';

const PROC_STAT = 'cpu  352714 1170 88799 8998084 8505 0 13652 204477 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n';

test('parses the aggregate cpu line of /proc/stat', () => {
  assert.deepEqual(parseCpuTimes(PROC_STAT), {
    steal: 204477,
    idle: 8998084 + 8505,
    total: 352714 + 1170 + 88799 + 8998084 + 8505 + 0 + 13652 + 204477,
  });
  assert.equal(parseCpuTimes('intr 1 2 3\n'), null);
  assert.equal(parseCpuTimes('cpu 1 2 3\n'), null);
  assert.equal(parseCpuTimes('cpu 1 2 3 4 5 6 7 x\n'), null);
});

test('steal share is stolen jiffies over all jiffies between two readings', () => {
  assert.equal(stealShare({ steal: 100, idle: 0, total: 1000 }, { steal: 150, idle: 0, total: 1200 }), 0.25);
  assert.equal(stealShare({ steal: 100, idle: 0, total: 1000 }, { steal: 100, idle: 0, total: 1000 }), 0);
});

test('the meter reports the shares since its previous call, null while unreadable', () => {
  const readings: (CpuTimes | null)[] = [
    { steal: 0, idle: 0, total: 0 },
    { steal: 10, idle: 60, total: 100 },
    null,
    { steal: 40, idle: 100, total: 200 },
    { steal: 40, idle: 200, total: 300 },
  ];
  const meter = createMachineMeter(() => readings.shift() ?? null);
  assert.deepEqual(meter(), { steal: 0.1, busy: 0.4 });
  assert.equal(meter(), null);
  assert.equal(meter(), null);
  assert.deepEqual(meter(), { steal: 0, busy: 0 });
});

test('on this machine the meter reads a share in [0, 1] or null (not Linux)', () => {
  const meter = createMachineMeter();
  const share = meter();
  assert.ok(
    share === null || (share.steal >= 0 && share.steal <= 1 && share.busy >= 0 && share.busy <= 1),
    JSON.stringify(share),
  );
});

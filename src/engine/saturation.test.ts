import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeSaturation, type SecondSample } from './saturation.ts';

const second = (over: Partial<SecondSample> = {}): SecondSample => ({
  loopP99Ms: 1,
  ownCpu: 0.2,
  steal: 0,
  machineBusy: 0.3,
  cores: 2,
  ...over,
});
const seconds = (n: number, over: Partial<SecondSample>) => Array.from({ length: n }, () => second(over));

test('a healthy generator, and a short mild delay, are trusted', () => {
  assert.equal(judgeSaturation([]), null);
  assert.equal(judgeSaturation(seconds(10, {})), null);
  assert.equal(judgeSaturation(seconds(4, { loopP99Ms: 40, ownCpu: 0.95 })), null, 'not yet 5 s');
  assert.equal(judgeSaturation([...seconds(4, { loopP99Ms: 40 }), second()]), null, 'not in a row');
});

test("the generator's own CPU: split the load", () => {
  const hot = judgeSaturation(seconds(5, { loopP99Ms: 2, ownCpu: 0.97 }));
  assert.equal(hot?.cause, 'own-cpu');
  assert.equal(hot?.reason, "streamload's own CPU 97% of a core");
  assert.match(hot!.advice, /--processes/);
  const slow = judgeSaturation(seconds(5, { loopP99Ms: 30, ownCpu: 0.7 }));
  assert.equal(slow?.reason, "event-loop delay p99 > 10 ms for 5 s, streamload's own CPU 70% of a core");
});

test('a noisy neighbour at 5 % of our CPU is named, and --processes is not advised', () => {
  const busy = judgeSaturation(seconds(5, { loopP99Ms: 25, ownCpu: 0.05, machineBusy: 0.98 }));
  assert.equal(busy?.cause, 'other-processes');
  assert.match(
    busy!.reason,
    /other processes kept the machine 98% busy \(2 cores\) while streamload used 5% of a core/,
  );
  assert.doesNotMatch(busy!.advice, /--processes N/);
  assert.match(busy!.advice, /more processes will not help/);
});

test('host steal is blamed on the hypervisor', () => {
  const stolen = judgeSaturation(seconds(5, { loopP99Ms: 25, ownCpu: 0.1, steal: 0.3, machineBusy: 1 }));
  assert.equal(stolen?.cause, 'host-steal');
  assert.match(stolen!.reason, /the hypervisor took 30% of CPU time/);
});

test('one severe second warns at once (p99 459 ms), whatever came before', () => {
  const stall = judgeSaturation([
    ...seconds(3, {}),
    second({ loopP99Ms: 459, ownCpu: 0.1, machineBusy: 0.2 }),
  ]);
  assert.equal(stall?.cause, 'blocking-code');
  assert.match(stall!.reason, /^event-loop delay p99 459 ms, at only 10% of a core on an idle machine$/);
  assert.match(stall!.advice, /synchronous work in scenario code/);
  const own = judgeSaturation([second({ loopP99Ms: 459, ownCpu: 0.9 })]);
  assert.equal(own?.cause, 'own-cpu');
});

test('without /proc/stat (null steal and busy) a stall at low CPU is blocking code', () => {
  const s = judgeSaturation(seconds(5, { loopP99Ms: 30, ownCpu: 0.1, steal: null, machineBusy: null }));
  assert.equal(s?.cause, 'blocking-code');
});

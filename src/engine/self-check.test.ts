import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../metrics/recorder.ts';
import {
  createSelfCheck,
  SATURATION_WARNING,
  type SelfCheck,
  type SelfCheckOptions,
  STEAL_WARNING,
} from './self-check.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

/** Three samples, each after blocking the loop for 60 ms. */
async function blockedSamples(check: SelfCheck): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(15);
    busy(60);
    await sleep(15); // let the delay monitor record the late tick
    const sample = check.sample();
    assert.ok(sample.loopDelayMaxMs > 30, `max delay ${sample.loopDelayMaxMs}`);
  }
}

/** A self-check on a fresh recorder, both closed after `body`. */
async function withSelfCheck(
  options: SelfCheckOptions,
  body: (check: SelfCheck) => Promise<void>,
): Promise<void> {
  const recorder = createRecorder();
  const check = createSelfCheck(recorder, options);
  try {
    await body(check);
  } finally {
    check.close();
    recorder.close();
  }
}

test('a blocked event loop in consecutive samples raises one warning, naming its cause', () =>
  withSelfCheck({ hotSeconds: 2, machine: () => ({ steal: 0, busy: 0.5 }) }, async (check) => {
    await blockedSamples(check);
    const warnings = check.warnings();
    // The busy loop is our own work; on a loaded test machine the OS may give it little CPU, and
    // then the stall is (rightly) blamed on blocking code rather than on our CPU — on a machine whose
    // load changes from one second to the next, one window each (each cause is raised once).
    assert.ok(warnings.length >= 1 && warnings.length <= 2, warnings.join('\n'));
    for (const warning of warnings)
      assert.match(
        warning,
        new RegExp(
          `^(${SATURATION_WARNING}|event loop blocked: latencies are overstated) \\(event-loop delay p99 > 10 ms for 2 s, `,
        ),
      );
    assert.equal(new Set(warnings.map((w) => w.split(' (')[0])).size, warnings.length, 'each cause once');
  }));

test('an idle generator raises no warning', () =>
  withSelfCheck({ hotSeconds: 3 }, async (check) => {
    for (let i = 0; i < 3; i++) {
      await sleep(50);
      const sample = check.sample();
      assert.ok(sample.cpu < 0.9, `cpu ${sample.cpu}`);
    }
    assert.deepEqual(check.warnings(), []);
  }));

test('a slow loop while the hypervisor steals CPU is blamed on the host, once', () =>
  withSelfCheck({ hotSeconds: 2, machine: () => ({ steal: 0.4, busy: 1 }) }, async (check) => {
    await blockedSamples(check);
    const warnings = check.warnings();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.ok(warnings[0]!.startsWith(STEAL_WARNING), warnings[0]);
    assert.match(warnings[0]!, /the hypervisor took 40% of CPU time/);
  }));

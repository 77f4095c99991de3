import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../metrics/recorder.ts';
import { createSelfCheck, SATURATION_WARNING } from './self-check.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

test('a blocked event loop in consecutive samples raises the saturation warning once', async () => {
  const recorder = createRecorder();
  const check = createSelfCheck(recorder, { hotSeconds: 2 });
  try {
    for (let i = 0; i < 3; i++) {
      await sleep(15);
      busy(60);
      await sleep(15); // let the delay monitor record the late tick
      const sample = check.sample();
      assert.ok(sample.loopDelayMaxMs > 30, `max delay ${sample.loopDelayMaxMs}`);
    }
    const warnings = check.warnings();
    assert.ok(
      warnings.some((w) => w.startsWith(SATURATION_WARNING)),
      warnings.join('\n'),
    );
    assert.equal(new Set(warnings).size, warnings.length);
  } finally {
    check.close();
    recorder.close();
  }
});

test('an idle generator raises no warning', async () => {
  const recorder = createRecorder();
  const check = createSelfCheck(recorder, { hotSeconds: 3 });
  try {
    for (let i = 0; i < 3; i++) {
      await sleep(50);
      const sample = check.sample();
      assert.ok(sample.cpu < 0.9, `cpu ${sample.cpu}`);
    }
    assert.deepEqual(check.warnings(), []);
  } finally {
    check.close();
    recorder.close();
  }
});

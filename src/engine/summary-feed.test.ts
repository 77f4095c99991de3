import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecorder } from '../metrics/recorder.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { createSummaryFeed } from './summary-feed.ts';

test('one summary per tick for every listener, none while nobody listens', () => {
  const recorder = createRecorder();
  try {
    recorder.event(100, undefined);
    let snapshots = 0;
    const snapshot = () => {
      snapshots++;
      return recorder.snapshot();
    };
    const feed = createSummaryFeed();
    feed.publish(snapshot);
    assert.equal(snapshots, 0);

    const seen: MetricsSummary[] = [];
    const stopA = feed.subscribe((s) => seen.push(s));
    const stopB = feed.subscribe((s) => seen.push(s));
    feed.publish(snapshot);
    assert.equal(snapshots, 1);
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1]);
    assert.equal(seen[0]!.totals.events, 1);

    stopA();
    stopB();
    feed.publish(snapshot);
    assert.equal(snapshots, 1);
    assert.equal(seen.length, 2);
  } finally {
    recorder.close();
  }
});

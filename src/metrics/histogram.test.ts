import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createHistogram,
  createLiveHistogram,
  cumulativeCounts,
  decodeHistogram,
  encodeHistogram,
  histogramStats,
  mergeEncoded,
  recordCount,
  recordMs,
  statsFromEncoded,
  toMicros,
  unitOf,
} from './histogram.ts';
import { PERCENTILES } from './names.ts';

/** Values spread over 1 µs … ~1 h, the range latencies really take. */
const valuesArb = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 3_600_000_000 })),
  { minLength: 1, maxLength: 400 },
);

describe('toMicros', () => {
  test('rounds float ms to integer µs', () => {
    assert.equal(toMicros(1.5), 1500);
    assert.equal(toMicros(0.0004), 0);
    assert.equal(toMicros(0.0006), 1);
    assert.equal(toMicros(12345.6789), 12345679);
  });
  test('clamps a negative value (clock step) to 0', () => {
    assert.equal(toMicros(-3), 0);
  });
  test('rejects NaN and Infinity', () => {
    assert.throws(() => toMicros(Number.NaN), RangeError);
    assert.throws(() => toMicros(Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('units', () => {
  test('count metrics are unscaled, everything else is ms', () => {
    assert.equal(unitOf('events_per_stream'), 'count');
    assert.equal(unitOf('tokens_per_stream'), 'count');
    assert.equal(unitOf('ttfe'), 'ms');
    assert.equal(unitOf('node_duration.LLM'), 'ms');
    assert.equal(unitOf('ttfe_scheduled'), 'ms');
  });

  test('latency recorded in µs comes back in ms, counts come back as recorded', () => {
    const latency = createHistogram();
    // Below 2048 µs every integer µs has its own bucket, so these come back exactly.
    recordMs(latency, 1.5);
    recordMs(latency, 1.9);
    const ms = histogramStats(latency, 'ms');
    assert.equal(ms.count, 2);
    assert.equal(ms.min, 1.5);
    assert.equal(ms.max, 1.9);
    assert.equal(ms.mean, 1.7);
    const counts = createHistogram();
    recordCount(counts, 7);
    recordCount(counts, 9);
    const c = histogramStats(counts, 'count');
    assert.deepEqual([c.min, c.max, c.mean, c.p50], [7, 9, 8, 7]);
    assert.throws(() => recordCount(counts, -1), RangeError);
  });

  test('3 significant digits: a value is reported within 0.1%', () => {
    const h = createHistogram();
    recordMs(h, 123.456);
    const s = histogramStats(h, 'ms');
    assert.ok(Math.abs(s.p50 - 123.456) / 123.456 < 0.001, String(s.p50));
  });
});

describe('histogramStats', () => {
  test('an empty histogram has all-zero stats', () => {
    const s = histogramStats(createHistogram(), 'ms');
    assert.ok(Object.values(s).every((v) => v === 0));
  });

  test("matches the library's getValueAtPercentile and mean exactly", () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        const h = createHistogram();
        for (const v of values) h.recordValue(v);
        const s = histogramStats(h, 'count');
        assert.equal(s.count, values.length);
        assert.equal(s.min, h.getValueAtPercentile(0));
        assert.equal(s.max, h.getValueAtPercentile(100));
        assert.equal(s.mean, h.mean);
        for (const p of PERCENTILES) {
          assert.equal(s[`p${p}` as keyof typeof s], h.getValueAtPercentile(p), `p${p}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('encode, decode, merge', () => {
  test('the wasm (recording) and JS builds encode identical bytes', () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        const live = createLiveHistogram();
        const js = createHistogram();
        try {
          for (const v of values) {
            live.recordValue(v);
            js.recordValue(v);
          }
          assert.equal(encodeHistogram(live), encodeHistogram(js));
        } finally {
          live.destroy();
        }
      }),
      { numRuns: 30 },
    );
  });

  test('decode(encode(h)) keeps every stat', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i * 0.37);
    const encoded = encodeHistogram(h);
    assert.match(encoded, /^HISTF/);
    assert.deepEqual(statsFromEncoded(encoded, 'ms'), histogramStats(h, 'ms'));
    assert.deepEqual(histogramStats(decodeHistogram(encoded), 'ms'), histogramStats(h, 'ms'));
  });

  test('merging encoded parts equals one histogram of every value', () => {
    fc.assert(
      fc.property(fc.array(valuesArb, { minLength: 1, maxLength: 5 }), (parts) => {
        const all = createHistogram();
        const encoded = parts.map((part) => {
          const h = createHistogram();
          for (const v of part) {
            h.recordValue(v);
            all.recordValue(v);
          }
          return encodeHistogram(h);
        });
        assert.deepEqual(statsFromEncoded(mergeEncoded(encoded), 'count'), histogramStats(all, 'count'));
      }),
      { numRuns: 30 },
    );
  });

  test('a live histogram records values far above its initial range (auto-resize)', () => {
    const live = createLiveHistogram();
    try {
      recordMs(live, 0.001);
      recordMs(live, 40 * 24 * 3600 * 1000); // 40 days in ms
      const s = statsFromEncoded(encodeHistogram(live), 'ms');
      assert.equal(s.count, 2);
      assert.ok(Math.abs(s.max - 40 * 24 * 3600 * 1000) / s.max < 0.001);
    } finally {
      live.destroy();
    }
  });

  test('a corrupt string is a clear error', () => {
    assert.throws(() => decodeHistogram('not-a-histogram'), /not an encoded HDR histogram/);
  });
});

test('cumulativeCounts: values ≤ each bound, as Prometheus buckets count them', () => {
  const h = createHistogram();
  for (const v of [5, 10, 10, 250, 4000, 1_000_000]) h.recordValue(v);
  assert.deepEqual(cumulativeCounts(h, [1, 5, 10, 100, 1000, 10_000, 2_000_000]), [0, 1, 3, 3, 4, 5, 6]);
  assert.deepEqual(cumulativeCounts(createHistogram(), [1, 2]), [0, 0]);
});

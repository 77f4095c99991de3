import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkStartAt, lateMs, parseStartAt } from './start-at.ts';

test('--start-at takes Unix milliseconds or an ISO time', () => {
  assert.equal(parseStartAt('1780000000000'), 1_780_000_000_000);
  assert.equal(parseStartAt(1_780_000_000_000), 1_780_000_000_000);
  assert.equal(parseStartAt('2026-05-01T12:00:00Z'), Date.UTC(2026, 4, 1, 12));
  assert.equal(parseStartAt('2026-05-01T14:00:00+02:00'), Date.UTC(2026, 4, 1, 12));
  for (const bad of ['1780000000', 'tomorrow', '12:00', '2026-13-45T99:00:00Z', ''])
    assert.equal(typeof parseStartAt(bad), 'string', bad);
});

test('a start more than 24 h away or more than 60 s ago is refused', () => {
  const now = Date.UTC(2026, 4, 1);
  assert.equal(checkStartAt(now + 3_600_000, now), null);
  assert.equal(checkStartAt(now - 30_000, now), null);
  assert.match(checkStartAt(now + 25 * 3_600_000, now) ?? '', /25\.0 h away \(at most 24 h\)/);
  assert.match(checkStartAt(now - 61_000, now) ?? '', /61\.0 s ago/);
  assert.equal(lateMs(now - 1500, now), 1500);
  assert.equal(lateMs(now + 1500, now), 0);
  assert.equal(lateMs(null, now), 0);
});

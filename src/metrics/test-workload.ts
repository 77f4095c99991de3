/**
 * Test helper: a random but seeded workload fed to several recorders and, sample for sample, to
 * one recorder that sees everything — the reference an exact merge must reproduce.
 */
import { ERROR_NAMES } from './names.ts';
import { createRecorder } from './recorder.ts';
import type { Recorder } from './recorder-api.ts';
import type { Snapshot } from './snapshot.ts';
import { createTestClock } from './test-clock.ts';
import type { MetricsSummary, RequestResult } from './types.ts';

/** mulberry32: a small seeded PRNG so a failing fast-check seed replays the same workload. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  readonly parts: Snapshot[];
  readonly whole: Snapshot;
  readonly partMaxima: number[];
}

/**
 * Drives `workers` recorders and one "whole" recorder with the same random samples on one shared
 * clock: every operation goes to one worker and to the whole; every second all of them tick, then
 * `afterTick` sees the workers (a parent pulling snapshots). A partial last second stays open.
 */
export function runWorkload(
  seed: number,
  workers: number,
  seconds: number,
  afterTick: (parts: readonly Recorder[], second: number) => void = () => {},
): Workload {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ms = (max: number): number => Math.round(random() * max * 1000) / 1000 + random() * 1e-3;
  const clock = createTestClock();
  const parts = Array.from({ length: workers }, () => createRecorder(clock));
  const whole = createRecorder(clock);
  const all = [...parts, whole];
  const open: number[] = parts.map(() => 0);
  const users: number[] = parts.map(() => 0);
  try {
    let nextTick = 1000;
    const end = seconds * 1000 + 321; // a partial last second stays open (not ticked)
    while (clock.nowMs() < end) {
      const k = Math.floor(random() * workers);
      const part = parts[k]!;
      const both = (f: (r: Recorder) => void): void => {
        f(part);
        f(whole);
      };
      const op = random();
      if (op < 0.15) {
        both((r) => r.streamOpened());
        open[k]!++;
      } else if (op < 0.28 && open[k]! > 0) {
        both((r) => r.streamClosed());
        open[k]!--;
      } else if (op < 0.6) {
        const size = 20 + Math.floor(random() * 400);
        const gap = random() < 0.2 ? undefined : ms(80);
        both((r) => r.event(size, gap));
      } else if (op < 0.9) {
        const result = randomResult(random, pick, ms);
        both((r) => r.request(result));
      } else if (op < 0.93) {
        const title = pick(['LLM', 'Start', 'End']);
        const value = ms(900);
        both((r) => r.value(`node_duration.${title}`, value));
      } else if (op < 0.96) {
        users[k] = Math.floor(random() * 50);
        part.setUsers(users[k]!);
        whole.setUsers(users.reduce((a, b) => a + b, 0));
      } else {
        const sample = {
          loopDelayP50Ms: ms(5),
          loopDelayP99Ms: ms(50),
          loopDelayMaxMs: ms(200),
          cpu: Math.round(random() * 1000) / 1000,
        };
        both((r) => r.generatorSample(sample));
      }
      const step = Math.floor(random() * 25);
      if (clock.nowMs() + step >= nextTick && nextTick <= seconds * 1000) {
        clock.at(nextTick);
        for (const r of all) r.tick();
        afterTick(parts, nextTick / 1000);
        nextTick += 1000;
      } else {
        clock.advance(step);
      }
    }
    const snapshots = parts.map((p) => p.snapshot());
    return {
      parts: snapshots,
      whole: whole.snapshot(),
      partMaxima: snapshots.map((s) => s.connections.maxConcurrent),
    };
  } finally {
    for (const r of all) r.close();
  }
}

function randomResult(
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
  ms: (max: number) => number,
): RequestResult {
  const stream = random() < 0.7;
  const ok = random() < 0.8;
  const error = ok ? undefined : pick(ERROR_NAMES);
  const maybe = (max: number): number | undefined => (random() < 0.8 ? ms(max) : undefined);
  return {
    method: pick(['GET', 'POST']),
    name: pick(['/v1/workflows/run', '/v1/chat-messages', '/health']),
    ok,
    error,
    // One message per error name, so "first message seen" cannot depend on which worker saw it.
    message: error === undefined ? undefined : `sample ${error}`,
    durationMs: ms(5000),
    contentBytes: Math.floor(random() * 50_000),
    ttfbMs: maybe(300),
    ttfeMs: maybe(800),
    ttftMs: maybe(1500),
    tpotMs: stream ? maybe(40) : undefined,
    streamDurationMs: stream ? maybe(4000) : undefined,
    stream,
    events: stream ? Math.floor(random() * 300) : 0,
    tokens: Math.floor(random() * 600),
    scheduleLagMs: random() < 0.3 ? ms(100) : undefined,
  };
}

/** Everything but maxConcurrent, which a merge can only bound (see mergeSnapshots). */
export function comparable(summary: MetricsSummary): unknown {
  return { ...summary, connections: { avgActive: summary.connections.avgActive } };
}

/**
 * Test helper: a share that records a deterministic synthetic workload (no network) into its own
 * recorder and, optionally, sample for sample into `whole` — the one recorder that saw everything,
 * which an exact merge must reproduce. Also a `startShare` module for forked test children
 * (config.syntheticRunMs sets how long a share runs).
 */

import { createRecorder } from '../metrics/recorder.ts';
import type { Recorder } from '../metrics/recorder-api.ts';
import { planOf } from '../run-config/share-config.ts';
import { type Share, splitPlan } from '../segments/shares.ts';
import type { ShareOutcome, ShareRun, StartShare } from './types.ts';

export function createSyntheticShare(options: {
  readonly runMs: number;
  readonly whole?: Recorder;
  readonly started?: Share[];
  /** Warnings every share ends with (the merge of workers' warnings is under test). */
  readonly warnings?: readonly string[];
}): StartShare {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return (_config, share) => {
    options.started?.push(share);
    const recorder = createRecorder();
    const targets = options.whole === undefined ? [recorder] : [recorder, options.whole];
    const users = share.users;
    recorder.setUsers(users);
    const work = setInterval(() => {
      for (let i = 0; i < users; i++) {
        const ok = random() > 0.1;
        const durationMs = 5 + random() * 200;
        const ttfeMs = 1 + random() * 50;
        const gaps = [undefined, random() * 10, random() * 10];
        for (const r of targets) {
          r.streamOpened();
          for (const gap of gaps) r.event(30, gap);
          r.streamClosed();
          r.request({
            method: 'POST',
            name: i % 2 === 0 ? '/a' : '/b',
            ok,
            ...(ok ? {} : { error: 'http_5xx', message: 'HTTP 500' }),
            durationMs,
            ttfeMs,
            contentBytes: 90,
            stream: true,
            events: 3,
            tokens: 2,
          });
        }
      }
    }, 20);
    const tick = setInterval(() => recorder.tick(), 1000);
    let finish!: (outcome: ShareOutcome) => void;
    const done = new Promise<ShareOutcome>((resolve) => {
      finish = resolve;
    });
    let ended = false;
    const end = (status: ShareOutcome['status']): void => {
      if (ended) return;
      ended = true;
      clearInterval(work);
      clearInterval(tick);
      clearTimeout(timer);
      recorder.tick();
      finish({ snapshot: recorder.snapshot(), status, warnings: options.warnings ?? [] });
    };
    const timer = setTimeout(() => end('completed'), options.runMs);
    const run: ShareRun = {
      snapshot: (o) => recorder.snapshot(o),
      stop: () => end('stopped'),
      abort: () => end('aborted'),
      done,
    };
    return run;
  };
}

/** Iteration `i` of the whole run, always the same samples (its stream, events, request). */
function recordIteration(recorder: Recorder, i: number): void {
  const ok = i % 13 !== 0;
  const events = 2 + (i % 5);
  recorder.streamOpened();
  for (let e = 0; e < events; e++) recorder.event(40 + (i % 7), e === 0 ? undefined : 1 + ((i * 7 + e) % 23));
  recorder.streamClosed();
  recorder.request({
    method: 'POST',
    name: `/n${i % 3}`,
    ok,
    ...(ok ? {} : { error: 'http_5xx', message: 'HTTP 500' }),
    durationMs: 10 + ((i * 37) % 400) + i / 64,
    ttfbMs: 1 + ((i * 11) % 50),
    ttfeMs: 2 + ((i * 13) % 90),
    contentBytes: events * 40,
    stream: true,
    events,
    tokens: events - 1,
  });
}

/**
 * A share whose samples depend only on the global iteration index: of `config.iterations`, a
 * segment runs the iterations its share covers, after those of the shares before it (computed, like
 * the share, from the segment alone). Any split thus records exactly the samples of one unsegmented
 * run, over about a second and a half, so per-second snapshots and the live merge take part.
 */
export const iterationShare: StartShare = (config, share) => {
  const shares = splitPlan(planOf(config), share.of);
  const first = shares.slice(0, share.index).reduce((t, s) => t + (s.iterations ?? 0), 0);
  const last = first + (share.iterations ?? 0);
  const recorder = createRecorder();
  recorder.setUsers(share.users);
  let next = first;
  let stopped: ShareOutcome['status'] | null = null;
  const tick = setInterval(() => recorder.tick(), 1000);
  const done = new Promise<ShareOutcome>((resolve) => {
    const work = setInterval(() => {
      for (let n = 0; n < 20 && next < last && stopped === null; n++) recordIteration(recorder, next++);
      if (next < last && stopped === null) return;
      clearInterval(work);
      clearInterval(tick);
      recorder.tick();
      resolve({ snapshot: recorder.snapshot(), status: stopped ?? 'completed', warnings: [] });
    }, 100);
  });
  return {
    snapshot: (o) => recorder.snapshot(o),
    stop: () => {
      stopped ??= 'stopped';
    },
    abort: () => {
      stopped = 'aborted';
    },
    done,
  };
};

/** For forked children: `config.syntheticShare: 'iterations'`, or `config.syntheticRunMs` (default 2 s). */
export const startShare: StartShare = (config, share) =>
  config.syntheticShare === 'iterations'
    ? iterationShare(config, share)
    : createSyntheticShare({
        runMs: typeof config.syntheticRunMs === 'number' ? config.syntheticRunMs : 2000,
        ...(Array.isArray(config.syntheticWarnings)
          ? { warnings: config.syntheticWarnings as string[] }
          : {}),
      })(config, share);

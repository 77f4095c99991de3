/**
 * Test helper: a share that records a deterministic synthetic workload (no network) into its own
 * recorder and, optionally, sample for sample into `whole` — the one recorder that saw everything,
 * which an exact merge must reproduce. Also a `startShare` module for forked test children
 * (config.syntheticRunMs sets how long a share runs).
 */
import { createRecorder } from '../metrics/recorder.ts';
import type { Recorder } from '../metrics/types.ts';
import type { Share } from './shares.ts';
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

/** For forked children: `config.syntheticRunMs` (default 2 s). */
export const startShare: StartShare = (config, share) =>
  createSyntheticShare({
    runMs: typeof config.syntheticRunMs === 'number' ? config.syntheticRunMs : 2000,
    ...(Array.isArray(config.syntheticWarnings) ? { warnings: config.syntheticWarnings as string[] } : {}),
  })(config, share);

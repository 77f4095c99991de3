/**
 * The load shape's fragment of the run options: how many users, for how long or how much work,
 * an open-model rate, stages, think time, and the classic suites' profiles.
 */
import { MAX_ITERATIONS, MAX_RATE, MAX_USERS } from '../config/limits.ts';
import { option } from '../config/option.ts';
import { formatDuration, type Stage } from '../config/units.ts';
import { amount, count, duration, durationOrNone, oneOf, spec, stages, wait } from '../config/values.ts';
import { parseConnectionBackoff } from '../controls/options.ts';

/** The classic suites' presets: concurrency and a fixed number of requests. */
export const PROFILES = {
  light: { users: 10, iterations: 100 },
  normal: { users: 100, iterations: 1000 },
  heavy: { users: 500, iterations: 5000 },
  stress: { users: 1000, iterations: 10_000 },
} as const;
export const PROFILE_NAMES = [
  'light',
  'normal',
  'heavy',
  'stress',
] as const satisfies readonly (keyof typeof PROFILES)[];
export type ProfileName = keyof typeof PROFILES;

/** What the computed defaults below read (the run's table hands them over, resolved). */
export interface LoadDefaults {
  readonly profile: ProfileName | null;
  readonly users: number;
  readonly iterations: number | null;
  readonly rate: number | null;
  readonly stages: readonly Stage[] | null;
}

export const LOAD_OPTIONS = {
  profile: option({
    arg: 'name',
    help: `${PROFILE_NAMES.join(' | ')}: ${PROFILE_NAMES.map((p) => `${PROFILES[p].users}/${PROFILES[p].iterations}`).join(', ')} users/requests`,
    value: oneOf(PROFILE_NAMES),
    default: null,
  }),
  users: option({
    arg: 'n',
    help: 'concurrent virtual users',
    value: count(1, MAX_USERS),
    default: (c: LoadDefaults) => (c.profile === null ? 10 : PROFILES[c.profile].users),
    defaultHelp: "10, or the profile's",
    web: { label: 'users' },
  }),
  spawnRate: option({
    arg: 'n',
    help: 'users started per second (with --stages the stages set the ramp, as k6 ramping-vus)',
    value: amount(0.01, MAX_USERS),
    default: (c: LoadDefaults) => Math.max(1, c.users / 5),
    defaultHelp: 'users/5, at least 1',
    web: { label: 'spawn rate', blank: 'users/5, at least 1' },
  }),
  runTime: option({
    arg: 'dur',
    help: 'stop after this long, e.g. 30s, 5m',
    value: duration,
    default: (c: LoadDefaults): number | null => (c.iterations !== null || c.stages !== null ? null : 30_000),
    defaultHelp: '30s; none with --iterations or --stages',
    nullable: true,
    web: { label: 'run time' },
  }),
  warmup: option({
    arg: 'dur',
    help: 'run the load this long before measuring (excluded from every metric; --run-time follows it; 0s: none)',
    value: durationOrNone,
    default: 0,
  }),
  iterations: option({
    arg: 'n',
    help: 'fixed work: stop after n requests (concurrency = users)',
    value: count(1, MAX_ITERATIONS),
    default: (c: LoadDefaults): number | null =>
      c.profile !== null && c.rate === null && c.stages === null ? PROFILES[c.profile].iterations : null,
    defaultHelp: "none, or the profile's",
    nullable: true,
  }),
  rate: option({
    arg: 'n',
    help: 'open model: start n requests per second regardless of responses',
    value: amount(0.01, MAX_RATE),
    default: null,
  }),
  stages: option({
    arg: 'spec',
    help: 'ramp profile, e.g. 30s:10,1m:50,30s:0 (users, or arrivals/s with --rate)',
    value: stages,
    default: null,
  }),
  wait: option({
    arg: 'spec',
    help: 'think time between iterations, e.g. 1s or 500ms-2s',
    value: wait,
    default: [0, 0] as const,
  }),
  maxInFlight: option({
    arg: 'n',
    help: 'open model: most requests in flight before arrivals are dropped',
    value: count(1, MAX_USERS),
    default: 10_000,
  }),
  connectionBackoff: option({
    arg: 'min..max|off',
    help: 'after a connection error a user waits min × 2^(n−1) (equal jitter, capped at max) before its next iteration, reset by an answer; off: retry at once',
    value: spec(parseConnectionBackoff, {
      schema: {
        type: 'object',
        properties: { minMs: { type: 'number', minimum: 0 }, maxMs: { type: 'number', minimum: 0 } },
      },
      show: (b) => (b.maxMs === 0 ? 'off' : `${formatDuration(b.minMs)}..${formatDuration(b.maxMs)}`),
      example: '100ms..5s',
    }),
    default: { minMs: 100, maxMs: 5000 },
  }),
};

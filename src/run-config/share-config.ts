/**
 * From a run configuration to a plan, and back to one worker's configuration. Works on the load
 * fields by their CLI names (`--users`, `--spawn-rate`, `--rate`, `--iterations`, `--stages`), the
 * names RunConfig carries; everything else passes through untouched.
 */
import { type Plan, type Segment, type Share, splitInteger, splitPlan } from '../segments/shares.ts';

/** The load fields of a run configuration. Stages: `{ durationS, target }` steps of users or rate. */
export interface LoadShape {
  readonly users?: number;
  readonly spawnRate?: number;
  readonly rate?: number | null;
  readonly iterations?: number | null;
  readonly stages?: readonly { readonly target: number }[] | null;
  readonly seed?: number;
  readonly maxInFlight?: number;
  /** `--segment i/N`: this run does only its segment's share (null or absent: all of it). */
  readonly segment?: Segment | null;
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function planOf(config: LoadShape): Plan {
  return {
    users: num(config.users) ?? 0,
    spawnRate: num(config.spawnRate) ?? num(config.users) ?? 0,
    rate: num(config.rate),
    iterations: num(config.iterations),
  };
}

/**
 * One worker's configuration: its share of users, spawn rate and iterations; user-stage targets
 * are split like users (integer parts per stage, summing exactly to each stage's target). The open
 * model keeps the whole rate and rate stages: the segment fires every N-th arrival of the one
 * schedule (shares.ts `takesArrival`), so fractional rates and stages are never rounded.
 */
export function applyShare<T extends LoadShape>(config: T, share: Share): T {
  const open = share.rate !== null;
  const stages = open
    ? config.stages
    : config.stages?.map((stage) => ({
        ...stage,
        target: splitInteger(Math.round(stage.target), share.of)[share.index]!,
      }));
  return {
    ...config,
    users: share.users,
    spawnRate: share.spawnRate,
    ...(share.iterations === null ? {} : { iterations: share.iterations }),
    ...(stages === undefined ? {} : { stages }),
    ...(open && typeof config.maxInFlight === 'number'
      ? { maxInFlight: Math.max(1, splitInteger(config.maxInFlight, share.of)[share.index]!) }
      : {}),
    // Each share its own random stream for questions and wait times (share 0 keeps a plain run's).
    // The open model's arrival schedule stays on the whole run's seed (run.ts): one stream, split.
    ...(typeof config.seed === 'number' ? { seed: config.seed + share.index } : {}),
    // Also what the client-side controls split their rate and concurrency by (run.ts).
    segment: { index: share.index, of: share.of },
  };
}

/** The load a run does: its segment's share of the configuration, or all of it without one. */
export function segmentConfig<T extends LoadShape>(config: T): T {
  const segment = config.segment;
  if (segment === undefined || segment === null) return config;
  return applyShare(config, splitPlan(planOf(config), segment.of)[segment.index]!);
}

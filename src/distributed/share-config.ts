/**
 * From a run configuration to a plan, and back to one worker's configuration. Works on the load
 * fields by their CLI names (`--users`, `--spawn-rate`, `--rate`, `--iterations`, `--stages`), the
 * names RunConfig carries; everything else passes through untouched.
 */
import { type Plan, type Share, splitInteger } from './shares.ts';

/** The load fields of a run configuration. Stages: `{ durationS, target }` steps of users or rate. */
export interface LoadShape {
  readonly users?: number;
  readonly spawnRate?: number;
  readonly rate?: number | null;
  readonly iterations?: number | null;
  readonly stages?: readonly { readonly target: number }[] | null;
  readonly seed?: number;
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
 * One worker's configuration: its share of users, spawn rate, rate and iterations. Stage targets
 * are split like users (integer parts per stage, summing exactly to each stage's target).
 */
export function applyShare<T extends LoadShape>(config: T, share: Share): T {
  const stages = config.stages?.map((stage) => ({
    ...stage,
    target: splitInteger(Math.round(stage.target), share.of)[share.index]!,
  }));
  return {
    ...config,
    users: share.users,
    spawnRate: share.spawnRate,
    ...(share.rate === null ? {} : { rate: share.rate }),
    ...(share.iterations === null ? {} : { iterations: share.iterations }),
    ...(stages === undefined ? {} : { stages }),
    // Each share its own random stream: with one seed, N workers would draw the same Poisson
    // schedule and their arrivals would bunch together. Share 0 keeps the seed a plain run uses.
    ...(typeof config.seed === 'number' ? { seed: config.seed + share.index } : {}),
    // The client-side controls split their rate and concurrency by it (src/controls/settings.ts).
    controlsShare: { index: share.index, of: share.of },
  };
}

/**
 * `--arrival` values: the open model's inter-arrival distributions (engine/arrivals.ts draws them).
 * In config/ because the option table and resolve.ts name them.
 */
export const ARRIVALS = ['constant', 'poisson', 'gamma'] as const;
export type ArrivalKind = (typeof ARRIVALS)[number];

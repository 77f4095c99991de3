/** find-limit's own options (the load options are `run`'s): how the search steps and when a step breaks. */
import { MAX_RATE, MAX_USERS } from '../config/limits.ts';
import { option } from '../config/option.ts';
import { parseOneOf, parseText } from '../config/units.ts';
import { amount, count, duration, share, type Value } from '../config/values.ts';
import { PERCENTILES } from '../metrics/names.ts';

/** `95` or `p95`: one of the percentiles the histograms report. */
const percentile: Value<number> = {
  parse: (raw) => Number(parseOneOf(PERCENTILES.map(String), parseText(raw).replace(/^p/, ''))),
  schema: { type: 'number', minimum: PERCENTILES[0], maximum: PERCENTILES.at(-1) as number },
  show: String,
  example: 'p99',
};

export const FIND_LIMIT_OPTIONS = {
  stepTime: option({ arg: 'dur', help: 'measured time of each step', value: duration, default: 30_000 }),
  resolution: option({
    arg: 'pct',
    help: 'stop bisecting when broke/held ≤ 1 + this',
    value: share,
    default: 0.1,
  }),
  maxUsers: option({
    arg: 'n',
    help: 'closed model: the highest user count to try',
    value: count(1, MAX_USERS),
    default: 1000,
  }),
  maxRate: option({
    arg: 'n',
    help: 'open model: the highest arrival rate to try',
    value: amount(0.01, MAX_RATE),
    default: 1000,
  }),
  budget: option({
    arg: 'dur',
    help: 'no step starts that cannot end within this',
    value: duration,
    default: 600_000,
  }),
  maxErrorRate: option({
    arg: 'pct',
    help: 'a step breaks at this error rate or above',
    value: share,
    default: 0.01,
  }),
  sloPercentile: option({
    arg: 'p',
    help: 'each --slo must hold for this percentile of requests',
    value: percentile,
    default: 95,
  }),
};

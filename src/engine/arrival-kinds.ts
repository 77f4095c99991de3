/**
 * `--arrival` values: the open model's inter-arrival distributions (engine/arrivals.ts draws them),
 * and the arrivals' fragment of the run options.
 */
import { option } from '../config/option.ts';
import { amount, oneOf } from '../config/values.ts';

export const ARRIVALS = ['constant', 'poisson', 'gamma'] as const;
export type ArrivalKind = (typeof ARRIVALS)[number];

/** What the computed default below reads. */
export interface ArrivalDefaults {
  /** Whether a source (flag, config file, env) gave the option. */
  readonly given: (name: string) => boolean;
}

export const ARRIVAL_OPTIONS = {
  arrival: option({
    arg: 'kind',
    help: `open model: ${ARRIVALS.join(' | ')} inter-arrival times`,
    value: oneOf(ARRIVALS),
    default: (c: ArrivalDefaults): ArrivalKind => (c.given('burstiness') ? 'gamma' : 'constant'),
    defaultHelp: 'constant; gamma with --burstiness',
  }),
  burstiness: option({
    arg: 'b',
    help: 'gamma arrivals: shape B (1 = Poisson, < 1 burstier, > 1 smoother); implies --arrival gamma',
    value: amount(0.01, 1000),
    default: 1,
  }),
};

/** The pass/fail fragment of the run options: thresholds over the summary, objectives per request. */
import { option } from '../config/option.ts';
import { texts } from '../config/values.ts';

export const SLO_OPTIONS = {
  threshold: option({
    arg: 'expr',
    help: 'pass/fail rule, e.g. "ttfe.p95<500ms", "error_rate<1%" (repeatable)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  slo: option({
    arg: 'expr',
    help: 'per-request objective, e.g. "ttft<500ms" (repeatable): goodput and SLO attainment count requests meeting all',
    value: texts,
    default: [],
    repeatable: true,
  }),
};

/** `streamload compare`'s options through the kernel (config/option.ts): which runs, how judged, how shown. */
import { option } from '../config/option.ts';
import { parseText, ValueError } from '../config/units.ts';
import { count, flag, texts, type Value } from '../config/values.ts';
import { parseTolerances } from './compare-inputs.ts';

export const COMPARE_FORMATS = ['txt', 'md', 'json'] as const;

/** One output format, on stdout (not `run`'s list of report files). */
const compareFormat: Value<(typeof COMPARE_FORMATS)[number]> = {
  parse: (raw) => {
    const value = parseText(raw);
    const known = COMPARE_FORMATS.find((f) => f === value);
    if (known === undefined) throw new ValueError(`expected txt, md or json, got "${value}"`);
    return known;
  },
  schema: { type: 'string', enum: COMPARE_FORMATS },
  show: String,
  example: 'md',
};

/** `5%,ttft.p95=10%`: kept as written (help shows it), checked where it is read. */
const toleranceSpec: Value<string> = {
  parse: (raw) => {
    const spec = parseText(raw);
    try {
      parseTolerances(spec);
    } catch (error) {
      throw new ValueError((error as Error).message.replace(/^--tolerance: /, ''));
    }
    return spec;
  },
  schema: { type: 'string' },
  show: String,
  example: '5%,ttft.p95=10%',
};

export const COMPARE_OPTIONS = {
  vs: option({
    // `runs...`: commander's variadic flag, `--vs c.json d.json`; the values add up.
    arg: 'runs...',
    help: 'the candidate runs; every positional run is then a base run',
    value: texts,
    default: null,
    repeatable: true,
  }),
  format: option({
    arg: 'txt|md|json',
    help: 'output format',
    value: compareFormat,
    default: 'txt' as const,
    // STREAMLOAD_FORMAT is `run`'s list of report files (txt,json,html…): another meaning.
    env: 'STREAMLOAD_COMPARE_FORMAT',
  }),
  tolerance: option({
    arg: 'list',
    help: 'practical threshold: default relative and per metric, e.g. 5%,ttft.p95=10%,request_duration.p99=50ms',
    value: toleranceSpec,
    default: '5%',
  }),
  seed: option({
    arg: 'n',
    help: 'seed of the bootstrap (the same seed repeats the same verdicts)',
    value: count(0),
    default: 1,
  }),
  force: option({
    help: 'compare runs of different protocols or scenarios anyway',
    value: flag,
    default: false,
  }),
};

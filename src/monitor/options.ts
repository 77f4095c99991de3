/**
 * The `--monitor` fragment of the run options. Per segment: the target is watched once, by the
 * process or segment given the option, so segments may differ in it (`streamload merge`).
 */
import { option } from '../config/option.ts';
import { parseStrings, ValueError } from '../config/units.ts';
import { duration, type Value } from '../config/values.ts';
import { parseMonitorSpecs } from './spec.ts';

/** Repeatable `--monitor` sources: each spec checked when read, kept as written (run.json echoes them). */
const monitorSpecs: Value<readonly string[]> = {
  parse: (raw) => {
    const list = parseStrings(raw);
    try {
      parseMonitorSpecs(list);
    } catch (error) {
      throw new ValueError((error as Error).message);
    }
    return list;
  },
  schema: { type: 'array', items: { type: 'string' } },
  show: (list) => list.join(','),
  example: 'pid:1',
};

export const MONITOR_OPTIONS = {
  monitor: option({
    arg: 'spec',
    help: 'sample the target during the run (repeatable): pid:N, cmd:PATTERN (like pgrep -f), docker:NAME|ID, prometheus:URL[#metric,…]',
    value: monitorSpecs,
    default: [],
    repeatable: true,
    perSegment: true,
    web: {
      label: 'monitor',
      placeholder: 'one of pid:N, cmd:PATTERN, docker:NAME, prometheus:URL',
      blank: 'none',
    },
  }),
  monitorInterval: option({
    arg: 'dur',
    help: 'how often --monitor samples each source',
    value: duration,
    default: 1_000,
    perSegment: true,
  }),
};

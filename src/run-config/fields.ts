/**
 * The run's option table: every feature's fragment, composed. Each option is declared once in its
 * feature's folder (a new protocol knob is an entry in protocols/options.ts, a new control one in
 * controls/options.ts); the kernel (config/option.ts) says what an entry is. From this table come
 * the CLI flags and help (cli/run-options.ts), config files and env (resolve.ts), the web form
 * (web/form.ts), the worker protocol's check (wire.ts) and the `config` section of
 * schemas/run.schema.json (scripts/schema.ts). RunConfig's option-backed keys are a mapped type
 * over it (types.ts), so a new entry reaches all of them; options-table.test.ts checks that it does.
 */

import {
  type AnyOption,
  convert,
  fixedDefault,
  helpLine,
  nullable,
  type Option,
  optionIn,
  type ValuesOf,
} from '../config/option.ts';
import { CONTROL_OPTIONS } from '../controls/options.ts';
import { ARRIVAL_OPTIONS, type ArrivalDefaults } from '../engine/arrival-kinds.ts';
import { LOAD_OPTIONS, type LoadDefaults } from '../engine/load-options.ts';
import { SCENARIO_OPTIONS } from '../engine/scenario/options.ts';
import { TRANSPORT_OPTIONS } from '../engine/transport-options.ts';
import { MONITOR_OPTIONS } from '../monitor/options.ts';
import { PROTOCOL_OPTIONS, type ProtocolDefaults } from '../protocols/options.ts';
import { SEGMENT_OPTIONS } from '../segments/options.ts';
import { SLO_OPTIONS } from '../slo/options.ts';
import { REPORT_OPTIONS } from './report-options.ts';

export { envName, flagOf } from '../config/option.ts';

/**
 * What a default computed from other options may read: those options, resolved, and what the
 * scenario implies (resolve.ts hands them over lazily, so a default may read any option whose own
 * default does not read it back). Each fragment says what its defaults read; this is all of it.
 */
export interface DefaultContext extends ProtocolDefaults, LoadDefaults, ArrivalDefaults {
  readonly scenario: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the table's entries differ in T; each keeps its own.
type RunOption = Option<any, any, DefaultContext>;

export const OPTIONS = {
  ...PROTOCOL_OPTIONS,
  ...SCENARIO_OPTIONS,
  ...LOAD_OPTIONS,
  ...SEGMENT_OPTIONS,
  ...ARRIVAL_OPTIONS,
  ...TRANSPORT_OPTIONS,
  ...SLO_OPTIONS,
  ...MONITOR_OPTIONS,
  ...REPORT_OPTIONS,
  ...CONTROL_OPTIONS,
} satisfies Record<string, RunOption>;

export type OptionName = keyof typeof OPTIONS;
/** Every option's resolved value, under the option's name: RunConfig's option-backed part. */
export type OptionValues = ValuesOf<typeof OPTIONS>;
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** The options the segments of one run may set differently (`perSegment` entries). */
export const PER_SEGMENT_OPTIONS: readonly OptionName[] = OPTION_NAMES.filter(
  (name) => optionEntry(name).perSegment === true,
);

export function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

/** The option a config-file key or scenario `controls` key names: `runTime` or `run-time`. */
export function optionNamed(key: string): OptionName | undefined {
  return optionIn(OPTIONS, key);
}

/** The entry of an option, typed loosely for code that walks the whole table. */
export function optionEntry(name: OptionName): AnyOption {
  return OPTIONS[name];
}

/** The option's help line with its default, as --help prints it. */
export function helpOf(name: OptionName): string {
  return helpLine(optionEntry(name));
}

/** The option's fixed default (undefined when computed or none), for the schema. */
export function fixedDefaultOf(name: OptionName): unknown {
  return fixedDefault(optionEntry(name));
}

/**
 * Whether the option's resolved value may be null: no default, or a computed one that can be
 * (options-table.test.ts resolves each with and without the options its default reads).
 */
export function mayBeNull(name: OptionName): boolean {
  return nullable(optionEntry(name));
}

/** Reads a raw value for an option; a bad one is an Error starting with `where` (flag, file:line, env name). */
export function convertOption<K extends OptionName>(name: K, raw: unknown, where: string): OptionValues[K] {
  return convert(optionEntry(name), raw, where) as OptionValues[K];
}

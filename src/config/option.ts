/**
 * The option kernel: what an option is and what every command does with a table of them. An entry
 * is the option's name (= its config key and config-file key; the flag is its kebab-case, the env
 * variable STREAMLOAD_<SNAKE>), help, kind of value (values.ts: how it is read, its resolved shape,
 * how it is shown), default, and hints for the web form. A feature declares its options as a
 * fragment (a record of entries) in its own folder; a command's table is its fragments spread
 * together. From a table come the flags and help (cli/), config files (file.ts), env and defaults
 * (resolve), the web form, the worker protocol's check and the JSON schema.
 */
import { ValueError } from './units.ts';
import type { Value } from './values.ts';

/** What the web form shows of an option (web/form.ts builds the field from the entry). */
export interface WebField {
  /** Lower-case label; errors about the field start with it (`run time: expected …`). */
  readonly label: string;
  /** A secret: typed into a password input and never sent back to the page. */
  readonly secret?: boolean;
  readonly placeholder?: string;
  /**
   * The field may be left empty, and is unless given on the command line: the option's computed
   * default applies (this text is the blank choice of a select, or the placeholder of an input).
   */
  readonly blank?: string;
}

/**
 * One option. T is the value's type, D its default's (null = none: the option is unset), C what a
 * computed default reads (the other options it depends on, resolved; the table that composes the
 * fragment hands them over).
 */
export interface Option<T, D extends T | null, C = unknown> {
  readonly help: string;
  /** The value's name in help (`--users <n>`); none = a switch. */
  readonly arg?: string;
  readonly value: Value<T>;
  /** The value when no source gives one; a function computes it from other options (presets). */
  readonly default: D | ((context: C) => D);
  /** How a computed default is found, for help ("users/5, at least 1"). */
  readonly defaultHelp?: string;
  /** A computed default that may be null (the option stays unset in some cases). */
  readonly nullable?: true;
  /** The env variable when not STREAMLOAD_<SNAKE> of the name (an established one: STREAMLOAD_DIFY_EMAIL). */
  readonly env?: string;
  /** Given several times, the values add up (`--threshold`, `--header`). */
  readonly repeatable?: boolean;
  /**
   * May differ between the `--segment` runs of one run (where and how each reports):
   * `streamload merge` compares every other option.
   */
  readonly perSegment?: true;
  readonly web?: WebField;
}

/** An entry; the type parameters tie `default` to `value` (and make null a value only when it is a default). */
export function option<T, D extends T | null, C = unknown>(entry: Option<T, D, C>): Option<T, D, C> {
  return entry;
}

// biome-ignore lint/suspicious/noExplicitAny: a table's entries differ in T and in what their defaults read.
export type AnyOption = Option<any, any, any>;
/** A feature's options, or a command's table (fragments spread together). */
export type OptionTable = Readonly<Record<string, AnyOption>>;
/** An option's resolved value type: its kind's, and null when its default may be null. */
export type ValueOf<O> = O extends Option<infer T, infer D, infer _C> ? T | Extract<D, null> : never;
/** Every option's resolved value under its name. */
export type ValuesOf<Table extends OptionTable> = { readonly [K in keyof Table]: ValueOf<Table[K]> };

/**
 * Where a camelCase name starts a word: a capital, or a status code after a letter (`fail500` →
 * `--fail-500`, as commander reads it back to `fail500`); a version stays (`http2` → `--http2`).
 */
const WORD = /[A-Z]|(?<=[a-z])\d{3}(?!\d)/g;

/** `runTime` → `--run-time`. */
export function flagOf(name: string): string {
  return `--${name.replace(WORD, (c) => `-${c.toLowerCase()}`)}`;
}

/** The env variable of an option: apiKey → STREAMLOAD_API_KEY. */
export function envName(name: string): string {
  return `STREAMLOAD_${name.replace(WORD, (c) => `_${c}`).toUpperCase()}`;
}

/** The env variable of a table's option: its own, else envName. */
export function envOf(name: string, entry: AnyOption): string {
  return entry.env ?? envName(name);
}

/** The option of `table` a config-file key names: `runTime` or `run-time`. */
export function optionIn<Table extends OptionTable>(
  table: Table,
  key: string,
): (keyof Table & string) | undefined {
  const name = key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return Object.hasOwn(table, name) && (key === name || key === flagOf(name).slice(2)) ? name : undefined;
}

/** The default as help and the schema show it: a fixed one, or undefined when computed or none. */
export function fixedDefault(entry: AnyOption): unknown {
  return typeof entry.default === 'function' || entry.default === null ? undefined : entry.default;
}

/** The option's help line with its default, as --help prints it. */
export function helpLine(entry: AnyOption): string {
  const fixed = fixedDefault(entry);
  // A switch is off and an empty list or object is nothing: no default worth a word.
  const empty =
    fixed === undefined ||
    typeof fixed === 'boolean' ||
    (typeof fixed === 'object' && fixed !== null && Object.keys(fixed).length === 0);
  const shown = entry.defaultHelp ?? (empty ? undefined : entry.value.show(fixed));
  return shown === undefined ? entry.help : `${entry.help} (default: ${shown})`;
}

/** Whether the option's resolved value may be null: no default, or a computed one that can be. */
export function nullable(entry: AnyOption): boolean {
  return entry.default === null || entry.nullable === true;
}

/** Reads a raw value with the entry's kind; a bad one is an Error starting with `where` (flag, file:line, env name). */
export function convert(entry: AnyOption, raw: unknown, where: string): unknown {
  try {
    return entry.value.parse(raw);
  } catch (error) {
    if (error instanceof ValueError) throw new Error(`${where}: ${error.message}`);
    throw error;
  }
}

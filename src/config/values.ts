/**
 * The kinds of option value: how a raw value is read (units.ts), what the resolved value looks like
 * (value-schema.ts, for run.json's schema and the worker protocol's check) and how it is written back
 * for a person (the web form, help defaults). An option (option.ts) picks one.
 */
import { MAX_DURATION_MS } from './limits.ts';
import {
  formatDuration,
  parseBool,
  parseDuration,
  parseDurationMs,
  parseHeaders,
  parseHttpUrl,
  parseJsonObject,
  parseList,
  parseNumber,
  parseOneOf,
  parseProxyUrl,
  parseShare,
  parseSpec,
  parseStages,
  parseStrings,
  parseText,
  parseWait,
  ValueError,
} from './units.ts';
import type { ValueSchema } from './value-schema.ts';

export interface Value<T> {
  /** Raw (flag or env text, config-file value, form field) → value; throws ValueError. */
  readonly parse: (raw: unknown) => T;
  /** The resolved value's shape (null aside: the option's default says whether null is allowed). */
  readonly schema: ValueSchema;
  /** The value as a person writes it (`30s`, not 30000): the form's fields and help's defaults. */
  readonly show: (value: T) => string;
  /** A raw value that reads (options-table.test.ts feeds it to every source of every option). */
  readonly example: string;
  /** Typed as a plain number (the web form's number input); durations and specs are text. */
  readonly numeric?: boolean;
}

const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));

export const text: Value<string> = {
  parse: parseText,
  schema: { type: 'string' },
  show: String,
  example: 'x',
};

/** Integers from min to max. */
export function count(min: number, max = Number.MAX_SAFE_INTEGER): Value<number> {
  return {
    parse: (raw) => parseNumber(raw, min, true, max),
    schema: { type: 'integer', minimum: min, maximum: max },
    show: String,
    example: String(min),
    numeric: true,
  };
}

/** Numbers (rates, factors) from min to max. */
export function amount(min: number, max = Number.MAX_SAFE_INTEGER): Value<number> {
  return {
    parse: (raw) => parseNumber(raw, min, false, max),
    schema: { type: 'number', minimum: min, maximum: max },
    show: String,
    example: String(max === min ? min : Math.min(max, min + 1)),
    numeric: true,
  };
}

/** Milliseconds, written `30s`/`5m`/`500ms`. */
export const duration: Value<number> = {
  parse: parseDuration,
  // 0 is a resolved value (no --warmup), never a given one: the parser refuses it.
  schema: { type: 'number', minimum: 0, maximum: MAX_DURATION_MS },
  show: formatDuration,
  example: '1m30s',
};

/** A duration where 0 means "none" (`--warmup 0s`: measure from the first second, as run's default). */
export const durationOrNone: Value<number> = {
  ...duration,
  parse: (raw) =>
    raw === 0 || (typeof raw === 'string' && parseDurationMs(raw.trim()) === 0) ? 0 : parseDuration(raw),
};

export function oneOf<const V extends readonly string[]>(values: V): Value<V[number]> {
  return {
    parse: (raw) => parseOneOf(values, raw),
    schema: { type: 'string', enum: values },
    show: String,
    example: values.at(-1) ?? '',
  };
}

/** A share 0..1, written `0.1` or `10%`. */
export const share: Value<number> = {
  parse: parseShare,
  schema: { type: 'number', minimum: 0, maximum: 1 },
  show: (value) => `${Math.round(value * 1e6) / 1e4}%`,
  example: '10%',
};

export const flag: Value<boolean> = {
  parse: parseBool,
  schema: { type: 'boolean' },
  show: String,
  example: 'true',
};

export const httpUrl: Value<string> = {
  parse: parseHttpUrl,
  schema: { type: 'string', pattern: '^https?://' },
  show: String,
  example: 'http://127.0.0.1:8080',
};

/** A proxy URL, or false: ignore HTTP(S)_PROXY. */
export const proxyUrl: Value<string | false> = {
  parse: parseProxyUrl,
  schema: { anyOf: [{ type: 'string' }, { type: 'boolean' }] },
  show: String,
  example: 'http://127.0.0.1:3128',
};

export const jsonObject: Value<Record<string, unknown>> = {
  parse: parseJsonObject,
  schema: { type: 'object', additionalProperties: true },
  show: (value) => JSON.stringify(value),
  example: '{"topic":"load"}',
};

const milliseconds: ValueSchema = { type: 'number', minimum: 0, maximum: MAX_DURATION_MS };

/** [minMs, maxMs]. */
export const wait: Value<readonly [number, number]> = {
  parse: parseWait,
  schema: { type: 'array', items: milliseconds, minItems: 2, maxItems: 2 },
  example: '500ms-2s',
  show: ([min, max]) =>
    min === max ? formatDuration(min) || '0' : `${formatDuration(min)}-${formatDuration(max)}`,
};

export const stages: Value<readonly { readonly durationS: number; readonly target: number }[]> = {
  parse: parseStages,
  schema: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        durationS: { type: 'number', exclusiveMinimum: 0 },
        target: { type: 'number', minimum: 0 },
      },
    },
  },
  show: (list) => list.map((s) => `${formatDuration(s.durationS * 1000)}:${s.target}`).join(','),
  example: '30s:10,1m:0',
};

/** A comma list of `values`. */
export function listOf<const V extends readonly string[]>(
  values: V,
  what: string,
): Value<readonly V[number][]> {
  return {
    parse: (raw) => parseList(values, raw, what),
    schema: { type: 'array', items: { type: 'string', enum: values } },
    show: shown,
    example: values.slice(0, 2).join(','),
  };
}

/** Repeatable text (`--threshold`, `--slo`). */
export const texts: Value<readonly string[]> = {
  parse: parseStrings,
  schema: { type: 'array', items: { type: 'string' } },
  show: shown,
  example: 'x',
};

/**
 * Names of things the scenario file defines (user classes, task tags): `a,b`, repeatable, or a
 * list. Checked against the file when it loads (engine/scenario/user-classes.ts), not here.
 */
export const names: Value<readonly string[]> = {
  parse: (raw) =>
    parseStrings(raw)
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  schema: { type: 'array', items: { type: 'string' } },
  show: shown,
  example: 'a,b',
};

/** `Name: value` lines → [name, value] pairs. */
export const headerLines: Value<readonly (readonly [string, string])[]> = {
  parse: parseHeaders,
  schema: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 } },
  show: (pairs) => pairs.map(([name, value]) => `${name}: ${value}`).join('\n'),
  example: 'X-Team: load',
};

/** A `key=value,…` spec read by a RangeError-throwing parser (controls/settings.ts). */
export function spec<T>(parse: (text: string) => T, kind: Omit<Value<T>, 'parse'>): Value<T> {
  return { ...kind, parse: (raw) => parseSpec(parse, raw) };
}

/** A text parser that returns its complaint as a string (shares.ts, start-at.ts). */
export function checked<T>(parse: (text: string) => T | string, kind: Omit<Value<T>, 'parse'>): Value<T> {
  return {
    ...kind,
    parse: (raw) => {
      const value = parse(parseText(raw));
      if (typeof value === 'string') throw new ValueError(value);
      return value;
    },
  };
}

/**
 * The settings RunConfig computes from several options (or from an option and the environment)
 * instead of carrying those options under their own keys: which options fold into them, and the
 * shape of each (for the worker protocol's check and run.json's schema). Everything else in
 * RunConfig is an option under its own name (fields.ts).
 */

import { orNull, type ValueSchema } from '../config/value-schema.ts';
import { CONTROL_KEYS } from '../controls/control-keys.ts';
import { mayBeNull, OPTION_NAMES, type OptionName, type OptionValues, optionEntry } from './fields.ts';
import { type DerivedSettings, FOLDED_OPTIONS, type FoldedOption, type RunConfig } from './types.ts';

/** The options standing under their own name in RunConfig. */
export const OWN_OPTIONS: readonly OptionName[] = OPTION_NAMES.filter(
  (name) => !(FOLDED_OPTIONS as readonly string[]).includes(name),
);

/** The option values without the folded ones: RunConfig's option-backed part. */
export function ownOptions(values: OptionValues): Omit<OptionValues, FoldedOption> {
  const own: Partial<Record<OptionName, unknown>> = {};
  for (const name of OWN_OPTIONS) own[name] = values[name];
  // Every own option was copied just above: the record is that part of OptionValues.
  return own as Omit<OptionValues, FoldedOption>;
}

/** An option's resolved value as RunConfig holds it (null where the option may be unset). */
export function optionSchema(name: OptionName): ValueSchema {
  const schema = optionEntry(name).value.schema;
  return mayBeNull(name) ? orNull(schema) : schema;
}

const nullableText = orNull({ type: 'string' });

/** Each derived setting's shape; a new one in DerivedSettings does not compile until it is here. */
export const DERIVED_SCHEMAS: { readonly [K in keyof DerivedSettings]-?: ValueSchema } = {
  questions: { type: 'array', items: { type: 'string' }, minItems: 1 },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
  proxy: orNull({
    type: 'object',
    properties: {
      http: nullableText,
      https: nullableText,
      noProxy: { type: 'string' },
      source: { type: 'string', enum: ['flag', 'env'] },
    },
  }),
  tls: {
    type: 'object',
    properties: {
      ca: nullableText,
      cert: nullableText,
      key: nullableText,
      insecure: { type: 'boolean' },
      servername: nullableText,
    },
  },
  controls: {
    type: 'object',
    properties: Object.fromEntries(
      CONTROL_KEYS.map((name) => [name, orNull(optionEntry(name).value.schema)]),
    ),
  },
};

/** Every RunConfig key with the shape of its value. */
export function runConfigSchemas(): Record<keyof RunConfig, ValueSchema> {
  const schemas: Partial<Record<keyof RunConfig, ValueSchema>> = { ...DERIVED_SCHEMAS };
  for (const name of OWN_OPTIONS) schemas[name as keyof RunConfig] = optionSchema(name);
  // Own options and derived settings together are RunConfig's keys (types.ts).
  return schemas as Record<keyof RunConfig, ValueSchema>;
}

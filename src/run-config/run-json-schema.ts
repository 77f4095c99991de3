/**
 * The `config` section of schemas/run.schema.json, generated from the option table (`npm run
 * schema` writes it; run-json-schema.test.ts fails when the checked-in file is out of date).
 * run.json's config is RunConfig as redactConfig prints it: secrets as `***`, the question pool
 * described instead of copied.
 */

import { toJsonSchema, type ValueSchema } from '../config/value-schema.ts';
import { DERIVED_SCHEMAS, OWN_OPTIONS, optionSchema } from './derived.ts';
import { helpOf, type OptionName, optionEntry } from './fields.ts';

/** run.json's `questions`: question-pool.ts describePool. */
const POOL: ValueSchema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1 },
    sha256: { type: 'string' },
    sample: { type: 'array', items: { type: 'string' } },
  },
};

const DESCRIPTIONS: { readonly [K in keyof typeof DERIVED_SCHEMAS]: string } = {
  questions: 'The question pool, described: how many, their SHA-256 and a short sample.',
  headers: 'Headers sent with every request (User-Agent, then --header; credential values as ***).',
  proxy: '--proxy, --no-proxy or HTTP(S)_PROXY/NO_PROXY; null = straight to the target.',
  tls: '--ca, --cert, --key (resolved paths), --insecure, --servername.',
  controls:
    "Client-side controls in effect: the run's own (flags, file, env) over the scenario's `controls` (null = given by neither).",
};

function ownProperty(name: OptionName): Record<string, unknown> {
  const entry = optionEntry(name);
  const fixed = typeof entry.default === 'function' ? undefined : entry.default;
  return {
    description: helpOf(name),
    ...toJsonSchema(optionSchema(name)),
    ...(fixed === undefined ? {} : { default: fixed }),
  };
}

export function runJsonConfigSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const name of OWN_OPTIONS) properties[name] = ownProperty(name);
  for (const [key, schema] of Object.entries(DERIVED_SCHEMAS)) {
    properties[key] = {
      description: DESCRIPTIONS[key as keyof typeof DESCRIPTIONS],
      ...toJsonSchema(key === 'questions' ? POOL : schema),
    };
  }
  return {
    description:
      'The resolved run options under their option names (durations in ms, sizes in bytes), secrets redacted. Generated from the option table (src/run-config/fields.ts and the fragments it composes) by `npm run schema`; run.json files from before 0.2 used older names (runTimeMs, thresholds…), which `report`, `compare` and `merge` still read.',
    type: 'object',
    properties,
  };
}

/** schemas/run.schema.json as text with its `config` section regenerated. */
export function withGeneratedConfig(schemaText: string): string {
  const schema = JSON.parse(schemaText) as { properties: Record<string, unknown> };
  schema.properties.config = runJsonConfigSchema();
  return `${JSON.stringify(schema, null, 2)}\n`;
}

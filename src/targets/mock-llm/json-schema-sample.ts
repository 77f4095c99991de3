/**
 * A value that satisfies a JSON schema, made up from the schema alone: what the mock answers for
 * `response_format: json_schema`, a tool call's arguments and Anthropic's `tool_use` input, so an
 * SDK's parse helpers (zod, `generateObject`) accept it. Covers what structured outputs and tool
 * schemas use (types, `properties`/`required`, `items` and counts, `enum`/`const`, bounds,
 * `anyOf`/`oneOf`/`allOf`, local `$ref`, nullable type lists). Bounded: past a few levels only what
 * is required is made, so a schema that refers to itself ends as soon as it allows.
 */
import type { Random } from '../../util/random.ts';

type Schema = Record<string, unknown>;

/** Past this depth, arrays get their fewest items and objects only their required properties: recursion ends. */
const SHALLOW = 6;
/** A schema that still recurses here cannot be satisfied by a finite value: an empty one stands in. */
const MAX_DEPTH = 40;
/**
 * Values one sample makes at most, and the longest string and array: a hostile schema
 * (`minItems: 1e9`, wide nesting) gets a bounded, possibly non-conforming value, never a hung mock.
 */
const MAX_VALUES = 10_000;
const MAX_STRING = 4096;
/** Characters of all strings of one sample together (past them strings are empty). */
const MAX_CHARS = 262_144;
const MAX_ITEMS = 64;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A value of `schema`; `root` resolves `#/$defs/…` and `#/definitions/…` references. */
export function sampleJsonSchema(schema: unknown, random: Random): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(root, { root, random, left: MAX_VALUES, chars: MAX_CHARS }, 0);
}

/** One sample's state: the root (for references), the draws and the values still allowed. */
interface Sampling {
  readonly root: Schema;
  readonly random: Random;
  left: number;
  chars: number;
}

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of ref
    .slice(1)
    .split('/')
    .filter((p) => p !== '')) {
    node = isSchema(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isSchema(node) ? node : {};
}

function sample(schema: Schema, sampling: Sampling, depth: number): unknown {
  const { root, random } = sampling;
  if (--sampling.left < 0) return null;
  if (typeof schema.$ref === 'string') {
    return depth >= MAX_DEPTH ? null : sample(resolveRef(schema.$ref, root), sampling, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[random.int(0, schema.enum.length - 1)];
  }
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(alternatives)) {
    // The first alternative that is not null: a nullable field still shows its value.
    const chosen = alternatives.find((a) => isSchema(a) && a.type !== 'null') ?? alternatives[0];
    return sample(isSchema(chosen) ? chosen : {}, sampling, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { ...schema, allOf: undefined, properties: {}, required: [] };
    for (const part of schema.allOf) {
      if (!isSchema(part)) continue;
      const resolved = typeof part.$ref === 'string' ? resolveRef(part.$ref, root) : part;
      Object.assign(merged.properties as Schema, resolved.properties);
      (merged.required as unknown[]).push(...(Array.isArray(resolved.required) ? resolved.required : []));
      if (merged.type === undefined && resolved.type !== undefined) merged.type = resolved.type;
    }
    Object.assign(merged.properties as Schema, schema.properties);
    return sample(merged, sampling, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, sampling, depth);
    case 'array':
      return sampleArray(schema, sampling, depth);
    case 'string':
      return sampleString(schema, sampling);
    case 'integer':
      return sampleNumber(schema, random, true);
    case 'number':
      return sampleNumber(schema, random, false);
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** The schema's type: the first non-null one of a list; guessed from its keywords when absent. */
function typeOf(schema: Schema): string {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0] ?? 'null') as string;
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'object';
}

function sampleObject(schema: Schema, sampling: Sampling, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth >= MAX_DEPTH) return out;
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  // Near the top every property, required or not: a filled object shows the whole shape.
  for (const [name, property] of Object.entries(properties)) {
    if (depth >= SHALLOW && !required.has(name)) continue;
    out[name] = sample(isSchema(property) ? property : {}, sampling, depth + 1);
  }
  for (const name of required) {
    if (typeof name === 'string' && !(name in out)) out[name] = 'value';
  }
  return out;
}

function sampleArray(schema: Schema, sampling: Sampling, depth: number): unknown[] {
  const min = Math.min(typeof schema.minItems === 'number' ? schema.minItems : 0, MAX_ITEMS);
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(min, 3);
  const count = depth >= SHALLOW ? min : Math.min(max, Math.max(min, 2), MAX_ITEMS);
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  const items = isSchema(schema.items) ? schema.items : {};
  return Array.from({ length: Math.min(Math.max(count, Math.min(prefix.length, max)), MAX_ITEMS) }, (_, i) =>
    sample(isSchema(prefix[i]) ? (prefix[i] as Schema) : items, sampling, depth + 1),
  );
}

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-02T03:04:05Z',
  date: '2026-01-02',
  time: '03:04:05Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

function sampleString(schema: Schema, sampling: Sampling): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let text = format ?? (WORDS[sampling.random.int(0, WORDS.length - 1)] as string);
  const min = Math.min(typeof schema.minLength === 'number' ? schema.minLength : 0, MAX_STRING);
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (text.length < min) text += 'x'.repeat(min - text.length);
  text = text.slice(0, Math.max(0, Math.min(max, sampling.chars)));
  sampling.chars -= text.length;
  return text;
}

function sampleNumber(schema: Schema, random: Random, integer: boolean): number {
  const num = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const exclusiveMin = num('exclusiveMinimum');
  const exclusiveMax = num('exclusiveMaximum');
  let low = num('minimum') ?? (exclusiveMin === undefined ? undefined : exclusiveMin + (integer ? 1 : 1e-6));
  let high = num('maximum') ?? (exclusiveMax === undefined ? undefined : exclusiveMax - (integer ? 1 : 1e-6));
  low ??= high === undefined ? 0 : Math.min(0, high - 100);
  high ??= low + 100;
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
    return high < low ? low : random.int(low, high);
  }
  const value = Math.round((low + random.next() * (high - low)) * 100) / 100;
  return Math.min(high, Math.max(low, value));
}

/**
 * The JSON Schema subset that describes a resolved option value (what RunConfig holds, what run.json's
 * `config` and the worker protocol carry), and a checker for it. One description serves both: the
 * generated `config` section of schemas/run.schema.json and the validation of a config received
 * from a master (wire.ts), so the two cannot disagree.
 */

export type ValueSchema =
  | { readonly type: 'string'; readonly enum?: readonly string[]; readonly pattern?: string }
  | {
      readonly type: 'number' | 'integer';
      readonly minimum?: number;
      readonly exclusiveMinimum?: number;
      readonly maximum?: number;
    }
  | { readonly type: 'boolean' }
  | { readonly type: 'null' }
  | {
      readonly type: 'array';
      readonly items: ValueSchema;
      readonly minItems?: number;
      readonly maxItems?: number;
    }
  | {
      readonly type: 'object';
      /** Every listed property is required; others are refused unless `additionalProperties` says. */
      readonly properties?: Readonly<Record<string, ValueSchema>>;
      readonly additionalProperties?: ValueSchema | boolean;
    }
  | { readonly anyOf: readonly ValueSchema[] };

/** `schema` or null. */
export function orNull(schema: ValueSchema): ValueSchema {
  return { anyOf: [schema, { type: 'null' }] };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `value` does not fit `schema` ("at tls.ca: expected a string"), or null when it fits. */
export function schemaProblem(schema: ValueSchema, value: unknown, at: string): string | null {
  if ('anyOf' in schema) {
    const problems = schema.anyOf.map((s) => schemaProblem(s, value, at));
    return problems.includes(null) ? null : (problems[0] ?? `at ${at}: no schema`);
  }
  const wrong = (what: string) => `at ${at}: expected ${what}, got ${JSON.stringify(value)?.slice(0, 60)}`;
  switch (schema.type) {
    case 'null':
      return value === null ? null : wrong('null');
    case 'boolean':
      return typeof value === 'boolean' ? null : wrong('true or false');
    case 'string':
      if (typeof value !== 'string') return wrong('a string');
      if (schema.enum !== undefined && !schema.enum.includes(value))
        return wrong(`one of ${schema.enum.join(', ')}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
        return wrong(`a string matching ${schema.pattern}`);
      return null;
    case 'number':
    case 'integer': {
      const what = schema.type === 'integer' ? 'an integer' : 'a number';
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrong(what);
      if (schema.type === 'integer' && !Number.isInteger(value)) return wrong(what);
      if (schema.minimum !== undefined && value < schema.minimum) return wrong(`${what} ≥ ${schema.minimum}`);
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
        return wrong(`${what} > ${schema.exclusiveMinimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) return wrong(`${what} ≤ ${schema.maximum}`);
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return wrong('a list');
      if (schema.minItems !== undefined && value.length < schema.minItems)
        return wrong(`at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        return wrong(`at most ${schema.maxItems} items`);
      for (const [i, item] of value.entries()) {
        const problem = schemaProblem(schema.items, item, `${at}[${i}]`);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'object': {
      if (!isObject(value)) return wrong('an object');
      const properties = schema.properties ?? {};
      for (const [key, property] of Object.entries(properties)) {
        if (!Object.hasOwn(value, key)) return `at ${at}.${key}: missing`;
        const problem = schemaProblem(property, value[key], `${at}.${key}`);
        if (problem !== null) return problem;
      }
      const extra = schema.additionalProperties ?? false;
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(properties, key)) continue;
        if (extra === false) return `at ${at}: unknown key "${key}"`;
        if (extra === true) continue;
        const problem = schemaProblem(extra, value[key], `${at}.${key}`);
        if (problem !== null) return problem;
      }
      return null;
    }
  }
}

/**
 * The same schema as JSON Schema draft 2020-12 for schemas/run.schema.json: properties listed
 * here are required on the wire, but a run.json reader accepts files from before a key existed.
 */
export function toJsonSchema(schema: ValueSchema): Record<string, unknown> {
  // oneOf, which report/validate.ts reads: the branches used here (a value or null, a URL or false) never overlap.
  if ('anyOf' in schema) return { oneOf: schema.anyOf.map(toJsonSchema) };
  if (schema.type === 'array') return { ...schema, items: toJsonSchema(schema.items) };
  if (schema.type === 'object') {
    const { properties, additionalProperties, ...rest } = schema;
    return {
      ...rest,
      ...(properties === undefined
        ? {}
        : {
            properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toJsonSchema(v)])),
          }),
      ...(additionalProperties === undefined
        ? {}
        : {
            additionalProperties:
              typeof additionalProperties === 'boolean'
                ? additionalProperties
                : toJsonSchema(additionalProperties),
          }),
    };
  }
  return { ...schema };
}

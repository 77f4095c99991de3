import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { createRandom } from '../../util/random.ts';
import { sampleJsonSchema } from './json-schema-sample.ts';

const SCHEMAS: Record<string, unknown> = {
  'types, bounds, enum, const, formats': {
    type: 'object',
    properties: {
      s: { type: 'string', minLength: 12, maxLength: 14 },
      i: { type: 'integer', exclusiveMinimum: 5, maximum: 6 },
      n: { type: 'number', minimum: 0.5, maximum: 0.51 },
      e: { enum: ['x', 2, null] },
      c: { const: 'fixed' },
      b: { type: 'boolean' },
      when: { type: 'string', format: 'date-time' },
      mail: { type: 'string', format: 'email' },
    },
    required: ['s', 'i', 'n', 'e', 'c', 'b'],
    additionalProperties: false,
  },
  'arrays, nullable and unions': {
    type: 'object',
    properties: {
      list: { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 },
      maybe: { type: ['string', 'null'] },
      either: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 10 }] },
      one: { oneOf: [{ type: 'string' }] },
      tuple: {
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'boolean' }],
        minItems: 2,
        maxItems: 2,
      },
    },
    required: ['list', 'maybe', 'either', 'one', 'tuple'],
  },
  'references, allOf and recursion': {
    $defs: {
      node: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/$defs/node' } },
        },
        required: ['name', 'children'],
      },
    },
    allOf: [
      { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      { properties: { root: { $ref: '#/$defs/node' } } },
    ],
  },
};

test('every sample satisfies its schema (ajv), over many seeds, recursion bounded', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT/);
  ajv.addFormat('email', /@/);
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const validate = ajv.compile(schema as object);
    for (let seed = 1; seed <= 50; seed++) {
      const value = sampleJsonSchema(schema, createRandom(seed));
      assert.ok(
        validate(value),
        `${name} (seed ${seed}): ${JSON.stringify(validate.errors)} for ${JSON.stringify(value)}`,
      );
    }
  }
});

test('no schema or a non-object schema gives an empty object', () => {
  assert.deepEqual(sampleJsonSchema(undefined, createRandom(1)), {});
  assert.deepEqual(sampleJsonSchema('nonsense', createRandom(1)), {});
});

test('a hostile schema gets a bounded value at once, never a hung or exhausted mock', () => {
  const wide = { type: 'array', minItems: 1e9, items: { type: 'string', minLength: 1e9 } };
  const nested = {
    type: 'array',
    minItems: 64,
    items: { type: 'array', minItems: 64, items: { type: 'array', minItems: 64, items: { type: 'string' } } },
  };
  const started = performance.now();
  for (const schema of [
    wide,
    nested,
    { $ref: '#' },
    { type: 'object', properties: { a: { $ref: '#' } }, required: ['a'] },
  ]) {
    const text = JSON.stringify(sampleJsonSchema(schema, createRandom(1)));
    assert.ok(text.length < 1_000_000, `${text.length} characters`);
  }
  assert.ok(performance.now() - started < 5000);
});

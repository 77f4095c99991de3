/**
 * The shape check of a run.json read back from disk (`report`, `compare`), against the shipped
 * JSON Schema: a damaged file is one line naming the first missing or mistyped field, never a
 * TypeError deep inside a renderer. The keywords read: type, required, properties,
 * additionalProperties, items, oneOf, enum, const, and minimum/maximum (a count of -7 or a rate
 * above 1 is refused: it would print as a verdict); every number must be finite (`1e999` parses
 * as Infinity). Formats are not a renderer's concern.
 */
import { readFileSync } from 'node:fs';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
}

let runSchema: SchemaNode | undefined;

/** schemas/run.schema.json (shipped beside src/ and dist/ alike). */
export function runJsonSchema(): SchemaNode {
  runSchema ??= JSON.parse(
    readFileSync(new URL('../../schemas/run.schema.json', import.meta.url), 'utf8'),
  ) as SchemaNode;
  return runSchema;
}

/** The first way `value` breaks `schema`, as `missing field "totals.requests"`, or null. */
export function shapeProblem(value: unknown, schema: SchemaNode, path = ''): string | null {
  const where = path === '' ? 'the document' : `field "${path}"`;
  if (schema.const !== undefined && value !== schema.const)
    return `${where} should be ${JSON.stringify(schema.const)}, got ${brief(value)}`;
  if (schema.enum !== undefined && !schema.enum.includes(value))
    return `${where} should be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${brief(value)}`;
  if (schema.oneOf !== undefined) {
    const problems = schema.oneOf.map((branch) => shapeProblem(value, branch, path));
    if (problems.every((p) => p !== null)) return problems[problems.length - 1] as string;
  }
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((t) => hasType(value, t)))
      return `${where} should be ${types.join(' or ')}, got ${brief(value)}`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${where} should be a finite number, got ${String(value)}`;
    if (schema.minimum !== undefined && value < schema.minimum)
      return `${where} should be ≥ ${schema.minimum}, got ${value}`;
    if (schema.maximum !== undefined && value > schema.maximum)
      return `${where} should be ≤ ${schema.maximum}, got ${value}`;
    return null;
  }
  if (Array.isArray(value)) {
    if (schema.items === undefined) return null;
    for (let i = 0; i < value.length; i++) {
      const problem = shapeProblem(value[i], schema.items, `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  for (const key of schema.required ?? []) if (!(key in record)) return `missing field "${join(key)}"`;
  for (const [key, child] of Object.entries(record)) {
    const sub = schema.properties?.[key] ?? schema.additionalProperties;
    if (sub === undefined || typeof sub === 'boolean') continue;
    const problem = shapeProblem(child, sub, join(key));
    if (problem !== null) return problem;
  }
  return null;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}

function brief(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

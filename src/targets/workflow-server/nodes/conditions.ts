// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * Dify's comparison operators (IF/ELSE cases, a loop's break conditions): the actual value comes
 * from the variable pool, the expected one from the DSL (with `{{#…#}}` references rendered).
 */
import type { Selector, VariablePool } from '../variable-pool.ts';
import type { NodeAt } from './types.ts';

export const OPERATORS = [
  'contains',
  'not contains',
  'start with',
  'end with',
  'is',
  'is not',
  'empty',
  'not empty',
  'in',
  'not in',
  'all of',
  '=',
  '≠',
  '>',
  '<',
  '≥',
  '≤',
  'null',
  'not null',
  'exists',
  'not exists',
] as const;

export type Operator = (typeof OPERATORS)[number];

export interface Condition {
  readonly selector: Selector;
  readonly operator: Operator;
  readonly value: unknown;
}

export interface ConditionGroup {
  readonly id: string;
  readonly logical: 'and' | 'or';
  readonly conditions: readonly Condition[];
}

export function parseConditions(list: unknown, at: NodeAt, path: readonly (string | number)[]): Condition[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return at.fail(path, 'conditions must be a list');
  return list.map((c: any, i: number) => {
    if (!Array.isArray(c?.variable_selector))
      return at.fail([...path, i], 'a condition needs a variable_selector');
    if (!(OPERATORS as readonly string[]).includes(c.comparison_operator))
      return at.fail(
        [...path, i, 'comparison_operator'],
        `comparison operator "${c.comparison_operator}" is not supported (${OPERATORS.join(', ')})`,
      );
    return {
      selector: c.variable_selector.map(String),
      operator: c.comparison_operator as Operator,
      value: c.value ?? null,
    };
  });
}

export function logicalOf(value: unknown): 'and' | 'or' {
  return value === 'or' ? 'or' : 'and';
}

export function groupPasses(group: ConditionGroup, pool: VariablePool): boolean {
  const results = group.conditions.map((c) => conditionHolds(c, pool));
  return group.logical === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export function conditionHolds(condition: Condition, pool: VariablePool): boolean {
  const actual = pool.get(condition.selector);
  const expected =
    typeof condition.value === 'string' ? pool.render(condition.value) : (condition.value as unknown);
  return compare(condition.operator, actual, expected);
}

export function compare(operator: Operator, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'contains':
      return contains(actual, expected);
    case 'not contains':
      return !contains(actual, expected);
    case 'start with':
      return typeof actual === 'string' && actual.startsWith(String(expected ?? ''));
    case 'end with':
      return typeof actual === 'string' && actual.endsWith(String(expected ?? ''));
    case 'is':
      return asText(actual) === asText(expected);
    case 'is not':
      return asText(actual) !== asText(expected);
    case 'empty':
      return isEmpty(actual);
    case 'not empty':
      return !isEmpty(actual);
    case 'in':
      return listOf(expected).includes(asText(actual));
    case 'not in':
      return !listOf(expected).includes(asText(actual));
    case 'all of':
      return Array.isArray(actual) && listOf(expected).every((e) => actual.map(asText).includes(e));
    case 'null':
    case 'not exists':
      return actual === null || actual === undefined;
    case 'not null':
    case 'exists':
      return actual !== null && actual !== undefined;
    default:
      return numeric(operator, actual, expected);
  }
}

function numeric(operator: '=' | '≠' | '>' | '<' | '≥' | '≤', actual: unknown, expected: unknown): boolean {
  if (actual === null || actual === undefined || actual === '') return false;
  const a = Number(actual);
  const b = Number(expected);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (operator) {
    case '=':
      return a === b;
    case '≠':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '≥':
      return a >= b;
    case '≤':
      return a <= b;
  }
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return actual.includes(asText(expected));
  if (Array.isArray(actual)) return actual.map(asText).includes(asText(expected));
  return false;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An `in` / `all of` operand: a list in the DSL, or a JSON or comma-separated string. */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(asText);
  if (typeof value !== 'string') return [asText(value)];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.map(asText);
  } catch {}
  return value.split(',').map((s) => s.trim());
}

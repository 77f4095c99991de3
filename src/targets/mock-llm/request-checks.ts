/**
 * Checks of a request body shared by the mock's APIs: each failure is the 400 the provider
 * answers (the field named in `param`), thrown as RequestRefused.
 */
import { refuse } from './api-errors.ts';

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Refuses a top-level field the API does not know, as OpenAI and Anthropic do. */
export function refuseUnknown(body: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) refuse(`Unrecognized request argument supplied: ${key}`, key, 'unknown_parameter');
  }
}

export function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (value === undefined) refuse(`Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (typeof value !== 'string' || value === '')
    refuse(`Invalid type for '${key}': expected a non-empty string.`, key, 'invalid_type');
  return value;
}

/** A non-empty array of objects (`messages`, `input` items). */
export function requiredList(body: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = body[key];
  if (value === undefined) refuse(`Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (!Array.isArray(value)) refuse(`Invalid type for '${key}': expected an array.`, key, 'invalid_type');
  if (value.length === 0)
    refuse(
      `Invalid '${key}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      key,
      'empty_array',
    );
  value.forEach((item, index) => {
    if (!isObject(item))
      refuse(`Invalid type for '${key}[${index}]': expected an object.`, `${key}[${index}]`, 'invalid_type');
  });
  return value as Record<string, unknown>[];
}

/** An integer in [min, max] when present; `fallback` when absent. */
export function optionalInteger(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value))
    refuse(`Invalid type for '${key}': expected an integer.`, key, 'invalid_type');
  if (value < min)
    refuse(
      `Invalid '${key}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      key,
      'integer_below_min_value',
    );
  if (value > max)
    refuse(
      `Invalid '${key}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      key,
      'integer_above_max_value',
    );
  return value;
}

/** A boolean when present (`stream`); false when absent. */
export function optionalBoolean(body: Record<string, unknown>, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean')
    refuse(`Invalid type for '${key}': expected a boolean.`, key, 'invalid_type');
  return value;
}

/** A list of objects when present (`tools`); [] when absent. */
export function optionalList(body: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject))
    refuse(`Invalid type for '${key}': expected an array of objects.`, key, 'invalid_type');
  return value;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** A tool's name as the providers allow it (letters, digits, `_` and `-`). */
export function toolName(value: unknown, param: string): string {
  if (typeof value !== 'string' || !TOOL_NAME.test(value))
    refuse(`Invalid '${param}': a tool name is 1-128 letters, digits, '_' or '-'.`, param, 'invalid_value');
  return value;
}

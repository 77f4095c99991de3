/**
 * The run configuration between a master (or `--processes` parent) and its workers. RunConfig is
 * plain JSON and crosses as it is; the receiving side checks every key against the shapes the option
 * table declares (derived.ts: each option's value kind, each derived setting's schema) before a
 * worker runs it, so a config from another build or a damaged message is refused by name, not run.
 */

import { schemaProblem } from '../config/value-schema.ts';
import { runConfigSchemas } from './derived.ts';
import type { RunConfig } from './types.ts';

/** Why `value` is not a RunConfig ("at config.users: expected an integer ≥ 1, got 0"), or null. */
export function wireConfigProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'config must be an object';
  const schemas = runConfigSchemas();
  for (const [key, schema] of Object.entries(schemas)) {
    if (!Object.hasOwn(value, key)) return `at config.${key}: missing`;
    const problem = schemaProblem(schema, (value as Record<string, unknown>)[key], `config.${key}`);
    if (problem !== null) return problem;
  }
  for (const key of Object.keys(value))
    if (!Object.hasOwn(schemas, key)) return `at config: unknown key "${key}" (another streamload version?)`;
  return null;
}

function isRunConfig(value: unknown): value is RunConfig {
  return wireConfigProblem(value) === null;
}

/** A received config, checked key by key; throws an Error naming the first bad key. */
export function configFromWire(value: unknown): RunConfig {
  if (isRunConfig(value)) return value;
  throw new Error(`invalid run configuration from the master: ${wireConfigProblem(value)}`);
}

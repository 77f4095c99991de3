/** Dify's Start-node input validation: the same 400 `invalid_param` messages Dify gives. */
import type { StartVariable } from './app.ts';

export type Validated = { ok: true; inputs: Record<string, unknown> } | { ok: false; message: string };

export function validateInputs(variables: readonly StartVariable[], raw: unknown): Validated {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, message: 'inputs is required in input form' };
  const given = raw as Record<string, unknown>;
  const inputs: Record<string, unknown> = {};
  for (const v of variables) {
    const value = given[v.variable];
    if (value === undefined || value === null || value === '') {
      if (v.required) return { ok: false, message: `${v.variable} is required in input form` };
      continue;
    }
    if (['text-input', 'paragraph', 'select'].includes(v.type)) {
      if (typeof value !== 'string')
        return { ok: false, message: `(type '${v.type}') ${v.variable} in input form must be a string` };
      if (v.maxLength !== null && value.length > v.maxLength) {
        return {
          ok: false,
          message: `${v.variable} in input form must be less than ${v.maxLength} characters`,
        };
      }
      if (v.type === 'select' && v.options.length > 0 && !v.options.includes(value)) {
        return {
          ok: false,
          message: `${v.variable} in input form must be one of the following: ${v.options.join(', ')}`,
        };
      }
    } else if (v.type === 'number' && typeof value !== 'number' && Number.isNaN(Number(value))) {
      return { ok: false, message: `${v.variable} in input form must be a valid number` };
    }
    inputs[v.variable] = value;
  }
  return { ok: true, inputs };
}

/** Shared by the JSON-per-event protocols: parse an event's data, or classify it as invalid_json. */
import type { EventMeaning } from './types.ts';

export type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; failure: EventMeaning };

export function parseEventJson(data: string): Parsed {
  try {
    const value: unknown = JSON.parse(data);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
  } catch {
    // fall through
  }
  return {
    ok: false,
    failure: {
      kind: 'failure',
      error: 'invalid_json',
      message: `event data is not a JSON object: ${data.slice(0, 80)}`,
    },
  };
}

/** Judges a blocking JSON body with a protocol-specific check of the parsed object. */
export function judgeJsonBody(
  body: string,
  check: (value: Record<string, unknown>) => { ok: boolean; message?: string; tokens?: number },
) {
  const parsed = parseEventJson(body);
  if (!parsed.ok)
    return {
      ok: false,
      error: 'invalid_json' as const,
      message: `body is not a JSON object: ${body.slice(0, 80)}`,
    };
  const verdict = check(parsed.value);
  return verdict.ok
    ? { ok: true, ...(verdict.tokens === undefined ? {} : { tokens: verdict.tokens }) }
    : { ok: false, error: 'stream_error' as const, message: verdict.message ?? 'the body reports a failure' };
}

export const LIFECYCLE: EventMeaning = { kind: 'lifecycle' };
/** The meanings most events have, made once: the hot path allocates nothing to say them. */
export const ONE_TOKEN: EventMeaning = { kind: 'content', tokens: 1 };
export const DONE: EventMeaning = { kind: 'terminal', ok: true };

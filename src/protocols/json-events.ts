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

const EVENT_KEY = '{"event":';
const SORTED_EVENT_KEY = '"event":"';
const QUOTE = 34;
const SPACE = 32;
const CLOSE_BRACE = 125;

/**
 * Where the name of the top-level `"event"` key starts in an event's data, else -1. Most of a
 * stream's events are content whose meaning is in that name (workflow `text_chunk`) or in one
 * more key (chat `answer`): read there, they skip JSON.parse, which costs several times the SSE
 * parser per event (`npm run bench:sse`). Two spellings are read in place:
 * - `{"event": "<name>", …}`: the key first (compact, or Python's `": "`), as older Dify and
 *   other servers write;
 * - `{…,"event":"<name>",…}` with keys sorted (Dify 1.13's `"data"` first, `"event"` in the
 *   middle): the first `"event":"` is the top-level key, and the only one, when nothing after
 *   its name can open or close an object (no `{`, `}` but the final one, no `\` that could hide
 *   a quote) and no second `"event":"` follows: a nested `"event"` would need a `}` after it to
 *   close its object. Arrays of strings may follow (`from_variable_selector`); they hold no
 *   keys. Searched forward: V8's lastIndexOf cost as much as the JSON.parse it saves.
 * Only a complete object qualifies (it ends with `}`); anything else returns -1 and takes the
 * full parse, which judges it.
 */
export function leadingEventAt(data: string): number {
  const last = data.length - 1;
  if (data.charCodeAt(last) !== CLOSE_BRACE) return -1;
  if (data.startsWith(EVENT_KEY)) {
    let at = EVENT_KEY.length;
    while (data.charCodeAt(at) === SPACE) at++;
    return data.charCodeAt(at) === QUOTE ? at + 1 : -1;
  }
  const key = data.indexOf(SORTED_EVENT_KEY, 1);
  if (key === -1) return -1;
  const name = key + SORTED_EVENT_KEY.length;
  const closing = data.indexOf('"', name);
  if (closing === -1 || data.indexOf(SORTED_EVENT_KEY, closing) !== -1) return -1;
  // Native scans (memchr-fast), not a charCodeAt loop over the tail.
  if (data.indexOf('{', closing) !== -1 || data.indexOf('}', closing) !== last) return -1;
  if (data.indexOf('\\', closing) !== -1) return -1;
  return name;
}

/**
 * The leading event (at `at`, from leadingEventAt) is `name`: the name and its closing quote are
 * there. Compared in place: no string is cut out of the data.
 */
export function eventNamed(data: string, at: number, name: string): boolean {
  return data.startsWith(name, at) && data.charCodeAt(at + name.length) === QUOTE;
}

/**
 * A top-level value of `key` (given as `"key":`) is a non-empty string (1) or an empty one (0),
 * read in place; -1 when that cannot be told without parsing (absent, not a string, nested). Inside a JSON string every quote is escaped, so
 * `"key":` found before the first nested `{` can only be a top-level key.
 */
export function nonEmptyString(data: string, quotedKey: string): -1 | 0 | 1 {
  const found = data.indexOf(quotedKey, 1);
  if (found === -1) return -1;
  const nested = data.indexOf('{', 1);
  if (nested !== -1 && nested < found) return -1;
  let at = found + quotedKey.length;
  while (data.charCodeAt(at) === SPACE) at++;
  if (data.charCodeAt(at) !== QUOTE) return -1;
  return data.charCodeAt(at + 1) === QUOTE ? 0 : 1;
}

export const LIFECYCLE: EventMeaning = { kind: 'lifecycle' };
/** The meanings most events have, made once: the hot path allocates nothing to say them. */
export const ONE_TOKEN: EventMeaning = { kind: 'content', tokens: 1 };
export const DONE: EventMeaning = { kind: 'terminal', ok: true };

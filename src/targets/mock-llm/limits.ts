/**
 * What one request may ask the mock LLM for. Beyond it the answer is a 400 naming the parameter,
 * never a process that builds a billion tokens or a 50 MB embedding and dies of it: the mock is a
 * reference target, and one hostile header must not take it down for every other client.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Output tokens of one completion (`x-mock-tokens`, `max_tokens`, `--tokens`). */
export const MAX_MOCK_TOKENS = 100_000;
/** Any per-request delay header (`x-mock-first-token-ms`, `-inter-token-ms`, `-jitter-ms`): 10 minutes. */
export const MAX_MOCK_DELAY_MS = 600_000;
/** Inputs of one embeddings request (OpenAI's own limit). */
export const MAX_EMBEDDING_INPUTS = 2048;
/** `dimensions` of an embedding (text-embedding-3-large's). */
export const MAX_EMBEDDING_DIMENSIONS = 3072;
/** Numbers in one embeddings response (inputs × dimensions): about 8 MB of JSON. */
export const MAX_EMBEDDING_VALUES = 1_048_576;

const DELAY_HEADERS = ['x-mock-first-token-ms', 'x-mock-inter-token-ms', 'x-mock-jitter-ms'];

/** Why this request asks for more than the mock produces (a 400 message), or undefined. */
export function overLimit(
  path: string,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): string | undefined {
  const tokens = /^\d+(?:-(\d+))?$/.exec(String(headers['x-mock-tokens'] ?? '').trim());
  const mostTokens = tokens === null ? 0 : Number(tokens[1] ?? tokens[0]);
  if (mostTokens > MAX_MOCK_TOKENS) return `x-mock-tokens: at most ${MAX_MOCK_TOKENS}, got ${mostTokens}`;
  for (const name of DELAY_HEADERS) {
    const ms = Number(headers[name]);
    if (Number.isFinite(ms) && ms > MAX_MOCK_DELAY_MS)
      return `${name}: at most ${MAX_MOCK_DELAY_MS}, got ${ms}`;
  }
  for (const name of ['max_tokens', 'max_completion_tokens']) {
    const value = body[name];
    if (typeof value === 'number' && value > MAX_MOCK_TOKENS)
      return `${name}: at most ${MAX_MOCK_TOKENS} in this mock, got ${value}`;
  }
  if (path !== '/v1/embeddings') return undefined;
  const inputs = Array.isArray(body.input) ? body.input.length : 1;
  if (inputs > MAX_EMBEDDING_INPUTS) return `input: at most ${MAX_EMBEDDING_INPUTS} items, got ${inputs}`;
  const dimensions = body.dimensions;
  if (dimensions === undefined) return undefined;
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_EMBEDDING_DIMENSIONS
  )
    return `dimensions: an integer 1-${MAX_EMBEDDING_DIMENSIONS}, got ${JSON.stringify(dimensions)}`;
  if (inputs * dimensions > MAX_EMBEDDING_VALUES)
    return `input × dimensions: at most ${MAX_EMBEDDING_VALUES} numbers per response, got ${inputs * dimensions}`;
  return undefined;
}

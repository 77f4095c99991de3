/** Mock LLM behaviour: server-wide defaults, overridable per request with `x-mock-*` headers. */
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_MOCK_TOKENS } from './limits.ts';

export type MockFault = 'http_500' | 'rate_limit' | 'reset' | 'stall' | 'stream_error';
export const MOCK_FAULTS: readonly MockFault[] = ['http_500', 'rate_limit', 'reset', 'stall', 'stream_error'];

export interface MockBehaviour {
  readonly firstTokenMs: number;
  readonly interTokenMs: number;
  readonly jitterMs: number;
  /** Output tokens per completion: inclusive range. */
  readonly tokens: readonly [number, number];
}

export interface MockLlmOptions extends Partial<MockBehaviour> {
  readonly port?: number;
  readonly host?: string;
  readonly seed?: number;
  /** Required Bearer key; unset = no auth. */
  readonly apiKey?: string;
  /** Probability per request of each fault, 0..1. */
  readonly faultRates?: Partial<Record<MockFault, number>>;
  /** Seconds in the Retry-After header of a 429. */
  readonly retryAfterS?: number;
  /** Restricts the accepted model names (404 model_not_found otherwise); unset = any name is served. */
  readonly models?: readonly string[];
  /** Generations at full speed before every one slows down (capacity.ts has the formula). */
  readonly capacity?: number;
  /** Generations beyond `capacity` before new requests are refused with `overloadStatus`. */
  readonly maxQueue?: number;
  /** The refusal's status: 429 (with Retry-After) or 503. Default 429. */
  readonly overloadStatus?: 429 | 503;
}

export const DEFAULT_BEHAVIOUR: MockBehaviour = {
  firstTokenMs: 100,
  interTokenMs: 20,
  jitterMs: 0,
  tokens: [32, 32],
};

/**
 * What `GET /v1/models` lists when no restriction is set. Any other name is served too: real DSL
 * files name whatever model their author used (`gpt-3.5-turbo`, `deepseek-chat`…).
 */
export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

/** `--models a,b`: the restriction list, or undefined when the text names none. */
export function parseModelList(text: string): string[] | undefined {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/** A token count `N` or range `A-B` (at most MAX_MOCK_TOKENS); undefined when malformed. */
export function parseTokenRange(text: string): readonly [number, number] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  return min >= 1 && max >= min && max <= MAX_MOCK_TOKENS ? [min, max] : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const text = header(headers, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The behaviour for one request: the server's defaults with its `x-mock-*` headers applied. */
export function behaviourFor(base: MockBehaviour, headers: IncomingHttpHeaders): MockBehaviour {
  const tokensText = header(headers, 'x-mock-tokens');
  return {
    firstTokenMs: numberHeader(headers, 'x-mock-first-token-ms') ?? base.firstTokenMs,
    interTokenMs: numberHeader(headers, 'x-mock-inter-token-ms') ?? base.interTokenMs,
    jitterMs: numberHeader(headers, 'x-mock-jitter-ms') ?? base.jitterMs,
    tokens: (tokensText === undefined ? undefined : parseTokenRange(tokensText)) ?? base.tokens,
  };
}

/** `x-mock-fault: reset` forces a fault; `x-mock-fault-after: N` sets how many tokens come first. */
export function forcedFault(headers: IncomingHttpHeaders): MockFault | undefined {
  const value = header(headers, 'x-mock-fault');
  return MOCK_FAULTS.find((f) => f === value);
}

export function faultAfterTokens(headers: IncomingHttpHeaders): number | undefined {
  return numberHeader(headers, 'x-mock-fault-after');
}

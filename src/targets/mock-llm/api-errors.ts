/**
 * Errors in each provider's own shape, so an SDK raises its own typed error (never a hang or a
 * body it cannot read). OpenAI: `{"error":{"message","type","param","code"}}`; Anthropic:
 * `{"type":"error","error":{"type","message"}}` with its type named by the status.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../../util/http-server.ts';

export type Dialect = 'openai' | 'anthropic';

export interface ApiError {
  readonly status: number;
  readonly message: string;
  /** OpenAI's `code` (`invalid_api_key`, `model_not_found`…). */
  readonly code?: string | null;
  /** OpenAI's `param`: the request field at fault. */
  readonly param?: string | null;
  /** OpenAI's `type` when it is not the status's usual one. */
  readonly type?: string;
  readonly headers?: Record<string, string>;
}

const OPENAI_TYPES: Record<number, string> = { 429: 'requests', 500: 'server_error', 503: 'server_error' };

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The error body of `dialect` for `error` (what a stream's error event carries too). */
export function errorBody(dialect: Dialect, error: ApiError): Record<string, unknown> {
  if (dialect === 'anthropic') {
    return {
      type: 'error',
      error: { type: ANTHROPIC_TYPES[error.status] ?? 'api_error', message: error.message },
    };
  }
  return {
    error: {
      message: error.message,
      type: error.type ?? OPENAI_TYPES[error.status] ?? 'invalid_request_error',
      param: error.param ?? null,
      code: error.code ?? null,
    },
  };
}

export function sendApiError(res: ServerResponse, dialect: Dialect, error: ApiError): void {
  sendJson(res, error.status, errorBody(dialect, error), error.headers);
}

/** A 400 for a request field: OpenAI's `invalid_request_error` naming the param. */
export const invalidRequest = (
  message: string,
  param: string | null = null,
  code: string | null = null,
): ApiError => ({
  status: 400,
  message,
  param,
  code,
});

/** Thrown by a request's validation; the route answers it in its dialect. */
export class RequestRefused extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.error = error;
  }
}

/** Refuses the request with a 400 naming `param` (throws). */
export function refuse(message: string, param: string | null = null, code: string | null = null): never {
  throw new RequestRefused(invalidRequest(message, param, code));
}

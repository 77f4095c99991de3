/**
 * Anthropic's Messages API (`POST /v1/messages`): the key as `x-api-key` with `anthropic-version`;
 * `text_delta` blocks are content, `message_delta` carries the output tokens, `message_stop` is
 * terminal, an `error` event is a stream error. Anthropic names every event in the SSE `event:`
 * field, so most events are told by that name alone; a text delta without JSON.parse.
 */

import { DONE, judgeJsonBody, LIFECYCLE, ONE_TOKEN, parseEventJson } from './json-events.ts';
import { DEFAULT_ANTHROPIC_MODEL } from './names.ts';
import { type JsonProtocolOptions, jsonEndpoint, jsonPost } from './request.ts';
import type { EventMeaning, Protocol, RequestContext } from './types.ts';

export interface AnthropicOptions extends JsonProtocolOptions {
  model?: string;
}

/** The API version every request names (Anthropic refuses a request without one); `--header` overrides it. */
export const ANTHROPIC_VERSION = '2023-06-01';
/** Output tokens asked for when `--inputs` does not say (`max_tokens` is required). */
const DEFAULT_MAX_TOKENS = 1024;

/** Anthropic's key header: `x-api-key`, not Bearer. */
export function anthropicKeyHeader(key: string | null | undefined): Record<string, string> {
  return key ? { 'x-api-key': key } : {};
}

const TEXT_DELTA = '"text_delta"';
const CLOSE_BRACE = 125;

/** An error event or body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`. */
function errorText(event: Record<string, unknown>): string {
  const error = (event.error ?? {}) as { type?: unknown; message?: unknown };
  return `${String(error.type ?? 'error')}: ${String(error.message ?? '')}`;
}

export function createAnthropicProtocol(options: AnthropicOptions): Protocol {
  const endpoint = jsonEndpoint(options, '/v1/messages', anthropicKeyHeader);
  const headers = { 'anthropic-version': ANTHROPIC_VERSION, ...endpoint.headers };
  const model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
  return {
    name: 'anthropic',
    buildRequest(ctx: RequestContext) {
      return jsonPost(endpoint.path, headers, {
        model,
        max_tokens: DEFAULT_MAX_TOKENS,
        ...ctx.inputs,
        messages: [{ role: 'user', content: ctx.question }],
        stream: ctx.responseMode === 'streaming',
      });
    },
    createInterpreter() {
      return {
        endIsSuccess: false,
        interpret(sse): EventMeaning {
          // Most events are text deltas: a complete object naming its delta `text_delta` is one
          // token (inside a JSON string every quote is escaped, so the name cannot come from text).
          const { type, data } = sse;
          if (type === 'content_block_delta') {
            if (data.charCodeAt(data.length - 1) === CLOSE_BRACE && data.includes(TEXT_DELTA))
              return ONE_TOKEN;
          } else if (type === 'ping' || type === 'content_block_start' || type === 'content_block_stop') {
            return LIFECYCLE;
          }
          const parsed = parseEventJson(data);
          if (!parsed.ok) return parsed.failure;
          const event = parsed.value;
          // A server that leaves out `event:` still names the event in its `type`.
          const name = type === 'message' ? event.type : type;
          switch (name) {
            case 'content_block_delta':
              return (event.delta as { type?: unknown } | undefined)?.type === 'text_delta'
                ? ONE_TOKEN
                : LIFECYCLE;
            case 'message_delta': {
              const tokens = (event.usage as { output_tokens?: unknown } | undefined)?.output_tokens;
              return typeof tokens === 'number' ? { kind: 'usage', tokens } : LIFECYCLE;
            }
            case 'message_stop':
              return DONE;
            case 'error':
              return { kind: 'failure', error: 'stream_error', message: errorText(event) };
            default:
              return LIFECYCLE;
          }
        },
      };
    },
    judgeBody(body) {
      return judgeJsonBody(body, (value) => {
        if (value.type === 'error') return { ok: false, message: errorText(value) };
        if (value.type !== 'message')
          return { ok: false, message: `not a message: type ${String(value.type)}` };
        const tokens = (value.usage as { output_tokens?: unknown } | undefined)?.output_tokens;
        return { ok: true, ...(typeof tokens === 'number' ? { tokens } : {}) };
      });
    },
  };
}

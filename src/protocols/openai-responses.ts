/**
 * OpenAI's Responses API (`POST /v1/responses`): `response.output_text.delta` is content,
 * `response.completed` (or `response.incomplete`, cut at `max_output_tokens`) is terminal with
 * the usage, `response.failed` and an `error` event are stream errors. OpenAI names every event
 * in the SSE `event:` field, so the many lifecycle events and the text deltas skip JSON.parse.
 */

import { judgeJsonBody, LIFECYCLE, ONE_TOKEN, parseEventJson } from './json-events.ts';
import { DEFAULT_OPENAI_MODEL } from './names.ts';
import type { OpenAiOptions } from './openai.ts';
import { jsonEndpoint, jsonPost } from './request.ts';
import type { EventMeaning, Protocol, RequestContext } from './types.ts';

const CLOSE_BRACE = 125;
const TEXT_DELTA = 'response.output_text.delta';
/** The terminal events: their response object says how it ended. */
const FINISHED: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

/** A finished response object: its verdict and its output tokens. */
function finished(response: Record<string, unknown>): EventMeaning {
  const tokens = (response.usage as { output_tokens?: unknown } | null | undefined)?.output_tokens;
  const usage = typeof tokens === 'number' ? { usageTokens: tokens } : {};
  if (response.status === 'completed' || response.status === 'incomplete')
    return { kind: 'terminal', ok: true, ...usage };
  const error = (response.error ?? {}) as { code?: unknown; message?: unknown };
  return {
    kind: 'terminal',
    ok: false,
    message:
      `response ${String(response.status)}: ${String(error.code ?? '')} ${String(error.message ?? '')}`.trim(),
    ...usage,
  };
}

export function createOpenAiResponsesProtocol(options: OpenAiOptions): Protocol {
  const { path, headers } = jsonEndpoint(options, '/v1/responses');
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  return {
    name: 'openai-responses',
    buildRequest(ctx: RequestContext) {
      return jsonPost(path, headers, {
        model,
        ...ctx.inputs,
        input: ctx.question,
        stream: ctx.responseMode === 'streaming',
      });
    },
    createInterpreter() {
      return {
        endIsSuccess: false,
        interpret(sse): EventMeaning {
          const { type, data } = sse;
          // A complete text delta is one token; a cut one is parsed (and judged invalid_json). The
          // other `response.*` events but the terminal ones are lifecycle, told by their name.
          if (type === TEXT_DELTA) {
            if (data.charCodeAt(data.length - 1) === CLOSE_BRACE) return ONE_TOKEN;
          } else if (
            type !== 'message' &&
            type !== 'error' &&
            !FINISHED.has(type) &&
            type.startsWith('response.')
          )
            return LIFECYCLE;
          const parsed = parseEventJson(data);
          if (!parsed.ok) return parsed.failure;
          const event = parsed.value;
          // A server that leaves out `event:` still names the event in its `type`.
          const name = type === 'message' ? event.type : type;
          if (name === TEXT_DELTA) return ONE_TOKEN;
          if (typeof name === 'string' && FINISHED.has(name))
            return finished((event.response ?? {}) as Record<string, unknown>);
          if (name === 'error')
            return {
              kind: 'failure',
              error: 'stream_error',
              message: `${String(event.code ?? 'error')}: ${String(event.message ?? '')}`,
            };
          return LIFECYCLE;
        },
      };
    },
    judgeBody(body) {
      return judgeJsonBody(body, (value) => {
        if (value.error !== undefined && value.error !== null)
          return { ok: false, message: JSON.stringify(value.error).slice(0, 200) };
        const verdict = finished(value);
        if (verdict.kind !== 'terminal' || !verdict.ok)
          return { ok: false, message: verdict.kind === 'terminal' ? (verdict.message ?? '') : '' };
        return { ok: true, ...(verdict.usageTokens === undefined ? {} : { tokens: verdict.usageTokens }) };
      });
    },
  };
}

/**
 * OpenAI-compatible chat completions: `[DONE]` is terminal, the role-only first chunk is not
 * content, a top-level `error` object is a stream error, usage (when sent) gives the token count.
 */

import { DONE, judgeJsonBody, LIFECYCLE, ONE_TOKEN, parseEventJson } from './json-events.ts';
import { DEFAULT_OPENAI_MODEL } from './names.ts';
import { type JsonProtocolOptions, jsonEndpoint, jsonPost } from './request.ts';
import type { EventMeaning, Protocol, RequestContext } from './types.ts';

export interface OpenAiOptions extends JsonProtocolOptions {
  model?: string;
  /** Send `stream_options.include_usage` (some gateways reject it). */
  includeUsage?: boolean;
}

export function createOpenAiProtocol(options: OpenAiOptions): Protocol {
  const { path, headers } = jsonEndpoint(options, '/v1/chat/completions');
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  return {
    name: 'openai',
    buildRequest(ctx: RequestContext) {
      const stream = ctx.responseMode === 'streaming';
      return jsonPost(path, headers, {
        model,
        ...ctx.inputs,
        messages: [{ role: 'user', content: ctx.question }],
        stream,
        ...(stream && options.includeUsage !== false ? { stream_options: { include_usage: true } } : {}),
      });
    },
    createInterpreter() {
      return {
        endIsSuccess: false,
        interpret(sse): EventMeaning {
          if (sse.data === '[DONE]') return DONE;
          const parsed = parseEventJson(sse.data);
          if (!parsed.ok) return parsed.failure;
          const chunk = parsed.value;
          if (chunk.error !== undefined && chunk.error !== null) {
            const error = chunk.error as { message?: unknown };
            return {
              kind: 'failure',
              error: 'stream_error',
              message: String(error.message ?? JSON.stringify(chunk.error)),
            };
          }
          const usage = chunk.usage as { completion_tokens?: unknown } | null | undefined;
          if (usage && typeof usage.completion_tokens === 'number')
            return { kind: 'usage', tokens: usage.completion_tokens };
          const choices = chunk.choices as { delta?: { content?: unknown } }[] | undefined;
          const content = choices?.[0]?.delta?.content;
          return typeof content === 'string' && content !== '' ? ONE_TOKEN : LIFECYCLE;
        },
      };
    },
    judgeBody(body) {
      return judgeJsonBody(body, (value) => {
        if (value.error !== undefined)
          return { ok: false, message: JSON.stringify(value.error).slice(0, 200) };
        const usage = value.usage as { completion_tokens?: unknown } | undefined;
        return {
          ok: true,
          ...(typeof usage?.completion_tokens === 'number' ? { tokens: usage.completion_tokens } : {}),
        };
      });
    },
  };
}

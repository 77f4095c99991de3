/**
 * Dify workflow apps (`POST /v1/workflows/run`): lifecycle events, `text_chunk` content, node
 * timings, `workflow_finished` (success only when status is succeeded) or `error` as terminal.
 */

import {
  eventNamed,
  judgeJsonBody,
  LIFECYCLE,
  leadingEventAt,
  ONE_TOKEN,
  parseEventJson,
} from './json-events.ts';
import { type JsonProtocolOptions, jsonEndpoint, jsonPost } from './request.ts';
import type { EventMeaning, Protocol, RequestContext } from './types.ts';

/** Interprets a Dify payload event shared by workflow and chat apps; undefined when not shared. */
export function interpretDifyCommon(event: Record<string, unknown>): EventMeaning | undefined {
  if (event.event === 'error') {
    return {
      kind: 'failure',
      error: 'stream_error',
      message: `${String(event.code ?? 'error')}: ${String(event.message ?? '')}`,
    };
  }
  if (event.event === 'node_started' || event.event === 'node_finished') {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const elapsedMs = elapsedMsOf(data);
    return {
      kind: 'node',
      phase: event.event === 'node_started' ? 'started' : 'finished',
      nodeId: String(data.id ?? data.node_id ?? ''),
      title: String(data.title ?? data.node_id ?? 'node'),
      ...(elapsedMs === undefined ? {} : { elapsedMs }),
    };
  }
  return undefined;
}

/** Dify's `elapsed_time` (seconds, a float) in milliseconds, when it is a sane number. */
function elapsedMsOf(data: Record<string, unknown>): number | undefined {
  const seconds = data.elapsed_time;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The verdict of `workflow_finished` (workflow apps, and chatflows, where it follows message_end):
 * success only when its status is `succeeded`; else Dify's error text is the sample.
 */
export function workflowFinished(event: Record<string, unknown>, usageTokens: number): EventMeaning {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const ok = data.status === 'succeeded';
  const elapsedMs = elapsedMsOf(data);
  return {
    kind: 'terminal',
    ok,
    ...(ok ? {} : { message: `workflow ${String(data.status)}: ${String(data.error ?? '')}` }),
    ...(usageTokens > 0 ? { usageTokens } : {}),
    ...(elapsedMs === undefined ? {} : { elapsedMs }),
  };
}

function nodeCompletionTokens(event: Record<string, unknown>): number {
  const outputs = ((event.data ?? {}) as { outputs?: { usage?: { completion_tokens?: unknown } } }).outputs;
  const tokens = outputs?.usage?.completion_tokens;
  return typeof tokens === 'number' ? tokens : 0;
}

export function createWorkflowProtocol(options: JsonProtocolOptions): Protocol {
  const { path, headers } = jsonEndpoint(options, '/v1/workflows/run');
  return {
    name: 'workflow',
    buildRequest(ctx: RequestContext) {
      return jsonPost(path, headers, {
        inputs: { question: ctx.question, query: ctx.question, ...ctx.inputs },
        response_mode: ctx.responseMode,
        user: ctx.user,
      });
    },
    createInterpreter() {
      // Output tokens: the LLM nodes' completion_tokens (a workflow's total_tokens includes the prompt).
      let completionTokens = 0;
      return {
        endIsSuccess: false,
        interpret(sse): EventMeaning {
          // Most events are text_chunk, whose meaning is its name: no parse (leadingEventAt).
          const at = leadingEventAt(sse.data);
          if (at !== -1 && eventNamed(sse.data, at, 'text_chunk')) return ONE_TOKEN;
          const parsed = parseEventJson(sse.data);
          if (!parsed.ok) return parsed.failure;
          const event = parsed.value;
          if (event.event === 'text_chunk') return ONE_TOKEN;
          if (event.event === 'node_finished') completionTokens += nodeCompletionTokens(event);
          if (event.event === 'workflow_finished') return workflowFinished(event, completionTokens);
          return interpretDifyCommon(event) ?? LIFECYCLE;
        },
      };
    },
    judgeBody(body) {
      return judgeJsonBody(body, (value) => {
        const data = (value.data ?? {}) as Record<string, unknown>;
        return data.status === 'succeeded'
          ? { ok: true, ...(typeof data.total_tokens === 'number' ? { tokens: data.total_tokens } : {}) }
          : { ok: false, message: `workflow ${String(data.status)}: ${String(data.error ?? '')}` };
      });
    },
  };
}

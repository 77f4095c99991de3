/**
 * Dify chat-family apps (`POST /v1/chat-messages`): `message`/`agent_message` content. A basic chat
 * app ends at `message_end`. A chatflow (advanced-chat: its stream carries `workflow_started`) sends
 * `message_end` and then `workflow_finished`, whose status is the verdict: a chatflow that fails
 * after answering is a failure.
 */
import {
  eventNamed,
  judgeJsonBody,
  LIFECYCLE,
  leadingEventAt,
  nonEmptyString,
  ONE_TOKEN,
  parseEventJson,
} from './json-events.ts';
import { type JsonProtocolOptions, jsonEndpoint, jsonPost } from './request.ts';
import type { EventMeaning, Protocol, RequestContext } from './types.ts';
import { interpretDifyCommon, workflowFinished } from './workflow.ts';

const ANSWER_KEY = '"answer":';

export function createChatProtocol(options: JsonProtocolOptions): Protocol {
  const { path, headers } = jsonEndpoint(options, '/v1/chat-messages');
  return {
    name: 'chat',
    buildRequest(ctx: RequestContext) {
      return jsonPost(path, headers, {
        query: ctx.question,
        inputs: ctx.inputs,
        response_mode: ctx.responseMode,
        user: ctx.user,
        conversation_id: '',
      });
    },
    createInterpreter() {
      let chatflow = false;
      return {
        endIsSuccess: false,
        interpret(sse): EventMeaning {
          // Most events are message / agent_message: a token when their answer is not empty,
          // which is read in place when it can be (json-events.ts), else by the full parse.
          const { data } = sse;
          const at = leadingEventAt(data);
          if (at !== -1 && (eventNamed(data, at, 'message') || eventNamed(data, at, 'agent_message'))) {
            const filled = nonEmptyString(data, ANSWER_KEY);
            if (filled !== -1) return filled === 1 ? ONE_TOKEN : LIFECYCLE;
          }
          const parsed = parseEventJson(data);
          if (!parsed.ok) return parsed.failure;
          const event = parsed.value;
          if (event.event === 'message' || event.event === 'agent_message') {
            return typeof event.answer === 'string' && event.answer !== '' ? ONE_TOKEN : LIFECYCLE;
          }
          if (event.event === 'workflow_started') chatflow = true;
          if (event.event === 'message_end') {
            const usage = ((event.metadata ?? {}) as { usage?: { completion_tokens?: unknown } }).usage;
            const tokens = typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : 0;
            // A chatflow's verdict is still to come (workflow_finished); keep the usage till then.
            if (chatflow) return tokens > 0 ? { kind: 'usage', tokens } : LIFECYCLE;
            return { kind: 'terminal', ok: true, ...(tokens > 0 ? { usageTokens: tokens } : {}) };
          }
          if (event.event === 'workflow_finished') return workflowFinished(event, 0);
          return interpretDifyCommon(event) ?? LIFECYCLE;
        },
      };
    },
    judgeBody(body) {
      return judgeJsonBody(body, (value) => {
        const usage = ((value.metadata ?? {}) as { usage?: { completion_tokens?: unknown } }).usage;
        return typeof value.answer === 'string'
          ? {
              ok: true,
              ...(typeof usage?.completion_tokens === 'number' ? { tokens: usage.completion_tokens } : {}),
            }
          : { ok: false, message: 'chat response without an answer' };
      });
    },
  };
}

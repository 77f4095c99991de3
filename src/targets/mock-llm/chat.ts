/**
 * OpenAI `POST /v1/chat/completions`: `n` choices, `finish_reason: "length"` at
 * `max_tokens`/`max_completion_tokens`, tools with `tool_choice` (arguments generated from the
 * tool's schema, streamed as the deltas the SDKs assemble), `response_format`
 * `json_object`/`json_schema`, `logprobs`, and the usage chunk (choices.ts answers them).
 */
import { refuse } from './api-errors.ts';
import { type ChoiceShape, COMPATIBLE_EXTRAS, choicesAnswer, FINISH } from './choices.ts';
import type { Endpoint } from './endpoint.ts';
import { type Ask, type Generation, outputText, type ToolChoice, type ToolSpec } from './generation.ts';
import { MAX_MOCK_TOKENS } from './limits.ts';
import {
  isObject,
  optionalBoolean,
  optionalInteger,
  optionalList,
  refuseUnknown,
  requiredList,
  requiredString,
  toolName,
} from './request-checks.ts';
import { outputLimit, promptTokens } from './tokens.ts';

/** The chat completions parameters of OpenAI's API reference and the extras above; anything else is refused as OpenAI does. */
const CHAT_PARAMS = new Set([
  ...COMPATIBLE_EXTRAS,
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

function chatTools(body: Record<string, unknown>): ToolSpec[] {
  return optionalList(body, 'tools').map((tool, index) => {
    const fn = tool.function;
    if (tool.type !== 'function' || !isObject(fn))
      refuse(
        `Invalid value for 'tools[${index}].type': only 'function' tools are supported.`,
        `tools[${index}].type`,
        'invalid_value',
      );
    return {
      name: toolName(fn.name, `tools[${index}].function.name`),
      schema: fn.parameters ?? { type: 'object', properties: {} },
    };
  });
}

function chatToolChoice(body: Record<string, unknown>, tools: readonly ToolSpec[]): ToolChoice {
  const choice = body.tool_choice;
  if (choice === undefined || choice === null) return 'auto';
  if (tools.length === 0)
    refuse(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
      null,
    );
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function)) {
    const name = choice.function.name;
    if (!tools.some((t) => t.name === name))
      refuse(
        `Invalid value for 'tool_choice': no function named '${String(name)}' was specified in the 'tools' parameter.`,
        'tool_choice',
        null,
      );
    return { name: name as string };
  }
  return refuse(
    "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.",
    'tool_choice',
    'invalid_value',
  );
}

/** `response_format`: undefined for text, else the JSON the answer must be. */
function chatJson(body: Record<string, unknown>): { schema?: unknown } | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format))
    return refuse(
      "Invalid type for 'response_format': expected an object.",
      'response_format',
      'invalid_type',
    );
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return {};
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    if (!isObject(spec) || typeof spec.name !== 'string')
      refuse(
        "Missing required parameter: 'response_format.json_schema.name'.",
        'response_format.json_schema.name',
        'missing_required_parameter',
      );
    return { schema: spec.schema ?? { type: 'object', properties: {} } };
  }
  return refuse(
    `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
    'response_format.type',
    'invalid_value',
  );
}

/** `logprobs: true` (and `top_logprobs` alternatives): made-up but well-formed, per text token. */
function chatLogprobs(body: Record<string, unknown>): number | undefined {
  const top = optionalInteger(body, 'top_logprobs', 0, 20, 0);
  if (!optionalBoolean(body, 'logprobs')) {
    if (top > 0) refuse("Invalid value for 'top_logprobs': 'logprobs' must be true.", 'top_logprobs', null);
    return undefined;
  }
  return top;
}

function tokenLogprob(token: string, at: number, top: number) {
  const entry = (text: string, rank: number) => ({
    token: text,
    logprob: -0.05 * ((at % 7) + 1) - rank,
    bytes: Array.from(Buffer.from(text)),
  });
  return {
    ...entry(token, 0),
    top_logprobs: Array.from({ length: top }, (_, rank) =>
      entry(rank === 0 ? token : `${token}${rank}`, rank),
    ),
  };
}

function chatShape(id: string, created: number, model: string, top: number | undefined): ChoiceShape {
  const callId = (index: number) => `call_${id.slice(9)}_${index}`;
  /** A text choice's logprobs for tokens [from, to), when asked for. */
  const logprobs = (g: Generation, from: number, to: number) =>
    top === undefined || g.output.kind !== 'text'
      ? null
      : {
          content: g.output.tokens.slice(from, to).map((token, i) => tokenLogprob(token, from + i, top)),
          refusal: null,
        };
  return {
    head: (stream) => ({
      id,
      object: stream ? 'chat.completion.chunk' : 'chat.completion',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_streamload',
    }),
    whole: (g, index) => ({
      index,
      message:
        g.output.kind === 'tool'
          ? {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [
                {
                  id: callId(index),
                  type: 'function',
                  function: { name: g.output.name, arguments: outputText(g.output) },
                },
              ],
            }
          : { role: 'assistant', content: outputText(g.output), refusal: null },
      logprobs: logprobs(g, 0, g.output.tokens.length),
      finish_reason: FINISH[g.finish],
    }),
    opening: (g, index) => ({
      index,
      delta: { role: 'assistant', content: g.output.kind === 'tool' ? null : '', refusal: null },
      logprobs: null,
      finish_reason: null,
    }),
    delta(g, index, at) {
      const token = g.output.tokens[at];
      // The common case, every token of every plain stream: written directly, as before tools.
      if (g.output.kind === 'text' && top === undefined)
        return `{"index":${index},"delta":{"content":${JSON.stringify(token)}},"logprobs":null,"finish_reason":null}`;
      const delta =
        g.output.kind === 'text'
          ? { content: token }
          : {
              tool_calls: [
                at === 0
                  ? {
                      index: 0,
                      id: callId(index),
                      type: 'function',
                      function: { name: g.output.name, arguments: token },
                    }
                  : { index: 0, function: { arguments: token } },
              ],
            };
      return { index, delta, logprobs: logprobs(g, at, at + 1), finish_reason: null };
    },
    finish: (g, index) => ({ index, delta: {}, logprobs: null, finish_reason: FINISH[g.finish] }),
  };
}

export const chatCompletions: Endpoint = {
  dialect: 'openai',
  plan(body, context) {
    refuseUnknown(body, CHAT_PARAMS);
    const model = requiredString(body, 'model');
    const messages = requiredList(body, 'messages');
    optionalInteger(body, 'max_tokens', 1, MAX_MOCK_TOKENS, 0);
    optionalInteger(body, 'max_completion_tokens', 1, MAX_MOCK_TOKENS, 0);
    const tools = chatTools(body);
    const json = chatJson(body);
    const ask: Ask = {
      tools,
      toolChoice: chatToolChoice(body, tools),
      afterToolResult: messages.at(-1)?.role === 'tool',
      ...(json === undefined ? {} : { json }),
      limit: outputLimit(body, ['max_completion_tokens', 'max_tokens']),
    };
    const id = context.id('chatcmpl-');
    const prompt = promptTokens([messages, body.tools]);
    return choicesAnswer(
      body,
      model,
      ask,
      prompt,
      context,
      chatShape(id, context.created, model, chatLogprobs(body)),
    );
  },
};

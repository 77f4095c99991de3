/**
 * OpenAI's Responses API, `POST /v1/responses`: a `message` output item with `output_text`, or a
 * `function_call` item; `max_output_tokens` makes the response `incomplete`; `text.format`
 * `json_object`/`json_schema`. Streamed as its typed events (`response.created`,
 * `response.in_progress`, `response.output_item.added`, `response.content_part.added`,
 * `response.output_text.delta`…`.done`, `response.completed` with `usage`), each with its
 * `sequence_number` and named in the SSE `event:` field as OpenAI does.
 */
import { refuse } from './api-errors.ts';
import type { Endpoint } from './endpoint.ts';
import { type Ask, generate, outputText, type ToolChoice, type ToolSpec } from './generation.ts';
import { MAX_MOCK_TOKENS } from './limits.ts';
import {
  isObject,
  optionalBoolean,
  optionalInteger,
  optionalList,
  refuseUnknown,
  requiredString,
  toolName,
} from './request-checks.ts';
import { promptTokens } from './tokens.ts';

const PARAMS = new Set([
  'model',
  'input',
  'instructions',
  'max_output_tokens',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'text',
  'temperature',
  'top_p',
  'store',
  'metadata',
  'previous_response_id',
  'reasoning',
  'parallel_tool_calls',
  'truncation',
  'user',
  'include',
  'background',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
  'service_tier',
  'top_logprobs',
  'max_tool_calls',
  'conversation',
  'prompt',
]);

function responseTools(body: Record<string, unknown>): ToolSpec[] {
  return optionalList(body, 'tools').map((tool, index) => {
    if (tool.type !== 'function')
      refuse(
        `Invalid value for 'tools[${index}].type': this server supports only 'function' tools.`,
        `tools[${index}].type`,
        'invalid_value',
      );
    return {
      name: toolName(tool.name, `tools[${index}].name`),
      schema: tool.parameters ?? { type: 'object', properties: {} },
    };
  });
}

function responseToolChoice(body: Record<string, unknown>, tools: readonly ToolSpec[]): ToolChoice {
  const choice = body.tool_choice;
  if (
    choice === undefined ||
    choice === null ||
    choice === 'auto' ||
    choice === 'none' ||
    choice === 'required'
  )
    return choice ?? 'auto';
  if (isObject(choice) && choice.type === 'function' && tools.some((t) => t.name === choice.name))
    return { name: choice.name as string };
  return refuse(
    "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a function among 'tools'.",
    'tool_choice',
    'invalid_value',
  );
}

function responseJson(body: Record<string, unknown>): { schema?: unknown } | undefined {
  const format = isObject(body.text) ? body.text.format : undefined;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format))
    return refuse("Invalid type for 'text.format': expected an object.", 'text.format', 'invalid_type');
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return {};
  if (format.type === 'json_schema') {
    if (typeof format.name !== 'string')
      refuse(
        "Missing required parameter: 'text.format.name'.",
        'text.format.name',
        'missing_required_parameter',
      );
    return { schema: format.schema ?? { type: 'object', properties: {} } };
  }
  return refuse(
    `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
    'text.format.type',
    'invalid_value',
  );
}

/** `input`: a string, or a non-empty list of items (messages, function call outputs…). */
function responseInput(body: Record<string, unknown>): { afterToolResult: boolean } {
  const input = body.input;
  if (input === undefined)
    refuse("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') return { afterToolResult: false };
  if (!Array.isArray(input) || input.length === 0 || !input.every(isObject))
    refuse(
      "Invalid 'input': expected a string or a non-empty array of input items.",
      'input',
      'invalid_value',
    );
  return { afterToolResult: (input.at(-1) as Record<string, unknown>).type === 'function_call_output' };
}

export const responses: Endpoint = {
  dialect: 'openai',
  plan(body, context) {
    refuseUnknown(body, PARAMS);
    const model = requiredString(body, 'model');
    const { afterToolResult } = responseInput(body);
    const stream = optionalBoolean(body, 'stream');
    const limit = optionalInteger(body, 'max_output_tokens', 16, MAX_MOCK_TOKENS, Number.POSITIVE_INFINITY);
    const tools = responseTools(body);
    const json = responseJson(body);
    const toolChoice = responseToolChoice(body, tools);
    const ask: Ask = { tools, toolChoice, afterToolResult, ...(json === undefined ? {} : { json }), limit };
    const generation = generate(ask, context.behaviour, context.random);
    const { output } = generation;
    const id = context.id('resp_');
    const itemId = `${output.kind === 'tool' ? 'fc' : 'msg'}_${id.slice(5)}`;
    const usage = {
      input_tokens: promptTokens([body.instructions, body.input, body.tools]),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: output.tokens.length,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    };
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
    const status = generation.finish === 'length' ? 'incomplete' : 'completed';
    const part = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
    const item = (done: boolean) => {
      const itemStatus = done ? status : 'in_progress';
      return output.kind === 'tool'
        ? {
            type: 'function_call',
            id: itemId,
            call_id: `call_${id.slice(5)}`,
            name: output.name,
            arguments: done ? outputText(output) : '',
            status: itemStatus,
          }
        : {
            type: 'message',
            id: itemId,
            status: itemStatus,
            role: 'assistant',
            content: done ? [part(outputText(output))] : [],
          };
    };
    const response = (done: boolean) => ({
      id,
      object: 'response',
      created_at: context.created,
      status: done ? status : 'in_progress',
      background: false,
      error: null,
      incomplete_details: done && status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      model,
      output: done ? [item(true)] : [],
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      previous_response_id: body.previous_response_id ?? null,
      reasoning: { effort: null, summary: null },
      store: body.store ?? true,
      temperature: body.temperature ?? 1,
      text: {
        format: isObject(body.text) && isObject(body.text.format) ? body.text.format : { type: 'text' },
      },
      tool_choice: body.tool_choice ?? 'auto',
      tools: body.tools ?? [],
      top_p: body.top_p ?? 1,
      truncation: body.truncation ?? 'disabled',
      usage: done ? usage : null,
      user: body.user ?? null,
      metadata: body.metadata ?? {},
    });
    return {
      model,
      stream,
      steps: output.tokens.length,
      outputTokens: output.tokens.length,
      body: () => response(true),
      script() {
        let sequence = 0;
        // Each event names itself twice, in `event:` and in `type`, as OpenAI writes them.
        const send = (
          emit: (data: string, event?: string) => void,
          type: string,
          fields: Record<string, unknown>,
        ) => emit(JSON.stringify({ type, ...fields, sequence_number: sequence++ }), type);
        const at = { item_id: itemId, output_index: 0 };
        const text = output.kind === 'text';
        return {
          steps: output.tokens.length,
          opening(emit) {
            send(emit, 'response.created', { response: response(false) });
            send(emit, 'response.in_progress', { response: response(false) });
            send(emit, 'response.output_item.added', { output_index: 0, item: item(false) });
            if (text) send(emit, 'response.content_part.added', { ...at, content_index: 0, part: part('') });
          },
          step(index, emit) {
            const delta = output.tokens[index];
            if (text)
              send(emit, 'response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [] });
            else send(emit, 'response.function_call_arguments.delta', { ...at, delta });
            return 1;
          },
          closing(emit) {
            const whole = outputText(output);
            if (text) {
              send(emit, 'response.output_text.done', { ...at, content_index: 0, text: whole, logprobs: [] });
              send(emit, 'response.content_part.done', { ...at, content_index: 0, part: part(whole) });
            } else
              send(emit, 'response.function_call_arguments.done', {
                ...at,
                name: output.name,
                arguments: whole,
              });
            send(emit, 'response.output_item.done', { output_index: 0, item: item(true) });
            send(emit, status === 'completed' ? 'response.completed' : 'response.incomplete', {
              response: response(true),
            });
          },
          failure: (emit) =>
            send(emit, 'error', { code: 'server_error', message: 'mock in-stream error', param: null }),
        };
      },
    };
  },
};

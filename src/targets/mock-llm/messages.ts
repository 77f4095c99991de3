/**
 * Anthropic's Messages API, `POST /v1/messages`: `max_tokens` required, `stop_reason`
 * `end_turn` / `max_tokens` / `tool_use`, tools with `tool_choice` (`input` generated from the
 * tool's `input_schema`). Streamed as Anthropic's named events: `message_start`,
 * `content_block_start`, `ping`, `content_block_delta` (`text_delta` or `input_json_delta`),
 * `content_block_stop`, `message_delta` (stop reason and usage), `message_stop`.
 */
import { RequestRefused } from './api-errors.ts';
import type { Endpoint } from './endpoint.ts';
import { type Ask, generate, outputText, type ToolChoice, type ToolSpec } from './generation.ts';
import { MAX_MOCK_TOKENS } from './limits.ts';
import { isObject } from './request-checks.ts';
import type { Emit } from './token-stream.ts';
import { promptTokens } from './tokens.ts';

const PARAMS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'metadata',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
]);

const STOP = { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use' } as const;

/** Anthropic words its 400s `field: problem`. */
function invalid(message: string): never {
  throw new RequestRefused({ status: 400, message });
}

function messageTools(body: Record<string, unknown>): ToolSpec[] {
  const tools = body.tools;
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) return invalid('tools: Input should be a valid list');
  return tools.map((tool: unknown, index) => {
    if (
      !isObject(tool) ||
      (tool.type !== undefined && tool.type !== 'custom') ||
      typeof tool.name !== 'string'
    )
      return invalid(
        `tools.${index}: this server supports only custom tools with a name and an input_schema`,
      );
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name))
      return invalid(`tools.${index}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    if (!isObject(tool.input_schema)) return invalid(`tools.${index}.input_schema: Field required`);
    return { name: tool.name, schema: tool.input_schema };
  });
}

function messageToolChoice(body: Record<string, unknown>, tools: readonly ToolSpec[]): ToolChoice {
  const choice = body.tool_choice;
  if (choice === undefined) return 'auto';
  if (!isObject(choice)) return invalid('tool_choice: Input should be an object');
  if (choice.type === 'auto' || choice.type === 'none') return choice.type;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool' && tools.some((t) => t.name === choice.name))
    return { name: choice.name as string };
  return invalid(`tool_choice: unknown tool choice ${JSON.stringify(choice)}`);
}

function checkMessages(body: Record<string, unknown>): Record<string, unknown>[] {
  const messages = body.messages;
  if (messages === undefined) return invalid('messages: Field required');
  if (!Array.isArray(messages) || !messages.every(isObject))
    return invalid('messages: Input should be a valid list');
  if (messages.length === 0) return invalid('messages: at least one message is required');
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant')
      invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
  }
  return messages;
}

/** The conversation ends with the user handing back a tool's result. */
function endsWithToolResult(messages: readonly Record<string, unknown>[]): boolean {
  const content = messages.at(-1)?.content;
  return Array.isArray(content) && content.some((block) => isObject(block) && block.type === 'tool_result');
}

export const messages: Endpoint = {
  dialect: 'anthropic',
  plan(body, context) {
    for (const key of Object.keys(body))
      if (!PARAMS.has(key)) invalid(`${key}: Extra inputs are not permitted`);
    if (typeof body.model !== 'string' || body.model === '') invalid('model: Field required');
    const model = body.model;
    const list = checkMessages(body);
    const maxTokens = body.max_tokens;
    if (maxTokens === undefined) invalid('max_tokens: Field required');
    if (
      typeof maxTokens !== 'number' ||
      !Number.isInteger(maxTokens) ||
      maxTokens < 1 ||
      maxTokens > MAX_MOCK_TOKENS
    )
      invalid(`max_tokens: Input should be an integer from 1 to ${MAX_MOCK_TOKENS}`);
    if (body.stream !== undefined && typeof body.stream !== 'boolean')
      invalid('stream: Input should be a valid boolean');
    const tools = messageTools(body);
    const ask: Ask = {
      tools,
      toolChoice: messageToolChoice(body, tools),
      afterToolResult: endsWithToolResult(list),
      limit: maxTokens,
    };
    const generation = generate(ask, context.behaviour, context.random);
    const { output } = generation;
    const id = context.id('msg_');
    const toolUseId = `toolu_${id.slice(4)}`;
    const inputTokens = promptTokens([body.system, list, body.tools]);
    const usage = (outputTokens: number) => ({
      input_tokens: inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: outputTokens,
      service_tier: 'standard',
    });
    const message = (done: boolean) => ({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: done ? [block(true)] : [],
      stop_reason: done ? STOP[generation.finish] : null,
      stop_sequence: null,
      usage: usage(done ? output.tokens.length : 1),
    });
    const block = (done: boolean) =>
      output.kind === 'tool'
        ? {
            type: 'tool_use',
            id: toolUseId,
            name: output.name,
            input: done ? parsedInput(outputText(output)) : {},
          }
        : { type: 'text', text: done ? outputText(output) : '' };
    return {
      model,
      stream: body.stream === true,
      steps: output.tokens.length,
      outputTokens: output.tokens.length,
      body: () => message(true),
      script() {
        // Every event named in `event:` and in its `type`, as Anthropic writes them.
        const send = (emit: Emit, type: string, fields: Record<string, unknown> = {}) =>
          emit(JSON.stringify({ type, ...fields }), type);
        return {
          steps: output.tokens.length,
          opening(emit) {
            send(emit, 'message_start', { message: message(false) });
            send(emit, 'content_block_start', { index: 0, content_block: block(false) });
            send(emit, 'ping');
          },
          step(index, emit) {
            const token = output.tokens[index];
            const delta =
              output.kind === 'tool'
                ? { type: 'input_json_delta', partial_json: token }
                : { type: 'text_delta', text: token };
            send(emit, 'content_block_delta', { index: 0, delta });
            return 1;
          },
          closing(emit) {
            send(emit, 'content_block_stop', { index: 0 });
            send(emit, 'message_delta', {
              delta: { stop_reason: STOP[generation.finish], stop_sequence: null },
              usage: { output_tokens: output.tokens.length },
            });
            send(emit, 'message_stop');
          },
          failure: (emit) =>
            send(emit, 'error', { error: { type: 'api_error', message: 'mock in-stream error' } }),
        };
      },
    };
  },
};

/** A tool call cut by `max_tokens` has no complete JSON: its input is then empty. */
function parsedInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

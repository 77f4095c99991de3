/**
 * What the mock "says" for one answer, whatever the API: made-up text, JSON conforming to a
 * schema, or one tool call whose arguments satisfy the tool's schema; cut at the request's output
 * limit. Each API (chat, responses, messages) maps the result onto its own shapes and names.
 */
import type { Random } from '../../util/random.ts';
import { sampleJsonSchema } from './json-schema-sample.ts';
import type { MockBehaviour } from './options.ts';
import { capTokens, splitTokens, textTokens } from './tokens.ts';

/** A tool the request offers: its name and its parameters' JSON schema. */
export interface ToolSpec {
  readonly name: string;
  readonly schema: unknown;
}

/** How the request lets the model use tools (each API's `tool_choice`, normalised). */
export type ToolChoice = 'auto' | 'required' | 'none' | { readonly name: string };

export interface Ask {
  readonly tools: readonly ToolSpec[];
  readonly toolChoice: ToolChoice;
  /** The conversation ends with a tool's result: under `auto` the model answers in text. */
  readonly afterToolResult: boolean;
  /** JSON output: `schema` undefined = any JSON object (`json_object`). */
  readonly json?: { readonly schema?: unknown };
  /** Output tokens at most (`max_tokens` and kin). */
  readonly limit: number;
}

export type Output =
  | { readonly kind: 'text'; readonly tokens: readonly string[] }
  | { readonly kind: 'tool'; readonly name: string; readonly tokens: readonly string[] };

export interface Generation {
  readonly output: Output;
  /** `length`: the limit cut it; `tool`: a complete tool call. */
  readonly finish: 'stop' | 'length' | 'tool';
}

/** The tool `choice` calls, undefined for a text answer; the named tool must be among `tools` (checked by the caller). */
export function toolToCall(ask: Ask): ToolSpec | undefined {
  const { tools, toolChoice } = ask;
  if (tools.length === 0 || toolChoice === 'none') return undefined;
  if (typeof toolChoice === 'object') return tools.find((t) => t.name === toolChoice.name);
  if (toolChoice === 'auto' && ask.afterToolResult) return undefined;
  return tools[0];
}

export function generate(ask: Ask, behaviour: MockBehaviour, random: Random): Generation {
  const tool = toolToCall(ask);
  if (tool !== undefined) {
    const { tokens, cut } = capTokens(
      splitTokens(JSON.stringify(sampleJsonSchema(tool.schema, random))),
      ask.limit,
    );
    return { output: { kind: 'tool', name: tool.name, tokens }, finish: cut ? 'length' : 'tool' };
  }
  const all =
    ask.json === undefined
      ? textTokens(random.int(behaviour.tokens[0], behaviour.tokens[1]), random)
      : splitTokens(JSON.stringify(jsonAnswer(ask.json.schema, random)));
  const { tokens, cut } = capTokens(all, ask.limit);
  return { output: { kind: 'text', tokens }, finish: cut ? 'length' : 'stop' };
}

/** `json_object` has no schema: an object with one answer field. */
function jsonAnswer(schema: unknown, random: Random): unknown {
  return schema === undefined
    ? { answer: textTokens(4, random).join('').trim() }
    : sampleJsonSchema(schema, random);
}

/** The whole text of an output (a message's content, a tool call's arguments). */
export const outputText = (output: Output): string => output.tokens.join('');

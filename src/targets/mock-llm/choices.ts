/**
 * OpenAI's answers made of choices (chat completions and the legacy completions): `n`
 * generations answered together, each with its own index and finish, interleaved token by token
 * when streamed, then the finish chunks, the optional usage chunk and `[DONE]`. Each endpoint
 * spells its choices (a ChoiceShape); the rest is here once.
 */
import { refuse } from './api-errors.ts';
import type { Answer, PlanContext } from './endpoint.ts';
import { type Ask, type Generation, generate } from './generation.ts';
import { MAX_MOCK_TOKENS } from './limits.ts';
import { isObject, optionalBoolean, optionalInteger } from './request-checks.ts';
import type { Emit, StreamScript } from './token-stream.ts';
import { usageObject } from './tokens.ts';

/** OpenAI's cap on `n`. */
const MAX_CHOICES = 128;

/**
 * Sampling extras the OpenAI-compatible servers (vLLM, SGLang, TGI) accept and Dify's DSL
 * `completion_params` carry (the workflow server forwards them here): accepted, not refused.
 */
export const COMPATIBLE_EXTRAS = [
  'top_k',
  'min_p',
  'repetition_penalty',
  'min_tokens',
  'ignore_eos',
  'enable_thinking',
  'thinking_budget',
  'chat_template_kwargs',
  'skip_special_tokens',
  'include_stop_str_in_output',
];

export const FINISH = { stop: 'stop', length: 'length', tool: 'tool_calls' } as const;

/** The `stream` / `stream_options` pair shared by both endpoints. */
function streaming(body: Record<string, unknown>): { stream: boolean; includeUsage: boolean } {
  const stream = optionalBoolean(body, 'stream');
  const options = body.stream_options;
  if (options !== undefined && options !== null && !stream)
    refuse(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      null,
    );
  return { stream, includeUsage: isObject(options) && options.include_usage === true };
}

/** One generation per choice, all answered together (their tokens interleaved when streamed). */
export function choicesAnswer(
  body: Record<string, unknown>,
  model: string,
  ask: Ask,
  prompt: number,
  context: PlanContext,
  shape: ChoiceShape,
): Answer {
  const n = optionalInteger(body, 'n', 1, MAX_CHOICES, 1);
  const { stream, includeUsage } = streaming(body);
  // One bound for the whole answer: n choices of the most tokens one may have.
  const most = n * Math.min(ask.limit, context.behaviour.tokens[1]);
  if (most > MAX_MOCK_TOKENS)
    refuse(
      `n × tokens: at most ${MAX_MOCK_TOKENS} output tokens per request in this mock, got ${most}`,
      'n',
      'over_limit',
    );
  const generations = Array.from({ length: n }, () => generate(ask, context.behaviour, context.random));
  const outputTokens = generations.reduce((sum, g) => sum + g.output.tokens.length, 0);
  const steps = Math.max(0, ...generations.map((g) => g.output.tokens.length));
  return {
    model,
    stream,
    steps,
    outputTokens,
    body: () => ({
      ...shape.head(false),
      choices: generations.map((g, index) => shape.whole(g, index)),
      usage: usageObject(prompt, outputTokens),
    }),
    script: (): StreamScript => {
      const head = JSON.stringify(shape.head(true)).slice(0, -1);
      const tail = includeUsage ? ',"usage":null}' : '}';
      // A shape may hand a choice already written (the text delta: every token of every stream).
      const chunk = (emit: Emit, choice: unknown) =>
        emit(`${head},"choices":[${typeof choice === 'string' ? choice : JSON.stringify(choice)}]${tail}`);
      return {
        steps,
        opening(emit) {
          if (shape.opening === undefined) return;
          for (const [index, g] of generations.entries()) chunk(emit, shape.opening(g, index));
        },
        step(at, emit) {
          let tokens = 0;
          for (let index = 0; index < generations.length; index++) {
            const g = generations[index] as Generation;
            if (at >= g.output.tokens.length) continue;
            chunk(emit, shape.delta(g, index, at));
            tokens++;
          }
          return tokens;
        },
        closing(emit) {
          for (const [index, g] of generations.entries()) chunk(emit, shape.finish(g, index));
          if (includeUsage)
            emit(`${head},"choices":[],"usage":${JSON.stringify(usageObject(prompt, outputTokens))}}`);
          emit('[DONE]');
        },
        failure: (emit) =>
          emit(
            JSON.stringify({
              error: { message: 'mock in-stream error', type: 'server_error', param: null, code: null },
            }),
          ),
      };
    },
  };
}

/** How one API spells a choice: whole (a body), at the start, one token, the finish. */
export interface ChoiceShape {
  head(stream: boolean): Record<string, unknown>;
  whole(g: Generation, index: number): unknown;
  opening?(g: Generation, index: number): unknown;
  /** One token of one choice: an object, or its JSON text when the shape writes it itself. */
  delta(g: Generation, index: number, at: number): unknown;
  finish(g: Generation, index: number): unknown;
}

/** OpenAI's legacy `POST /v1/completions`, streamed or not: `prompt` in, text choices out (choices.ts). */
import { refuse } from './api-errors.ts';
import { type ChoiceShape, COMPATIBLE_EXTRAS, choicesAnswer, FINISH } from './choices.ts';
import type { Endpoint } from './endpoint.ts';
import { type Ask, outputText } from './generation.ts';
import { MAX_MOCK_TOKENS } from './limits.ts';
import { optionalInteger, refuseUnknown, requiredString } from './request-checks.ts';
import { promptTokens } from './tokens.ts';

const COMPLETION_PARAMS = new Set([
  ...COMPATIBLE_EXTRAS,
  'model',
  'prompt',
  'best_of',
  'echo',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'n',
  'presence_penalty',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'suffix',
  'temperature',
  'top_p',
  'user',
]);

function completionShape(id: string, created: number, model: string): ChoiceShape {
  const choice = (index: number, text: string, finish: string | null) => ({
    text,
    index,
    logprobs: null,
    finish_reason: finish,
  });
  return {
    head: () => ({ id, object: 'text_completion', created, model, system_fingerprint: 'fp_streamload' }),
    whole: (g, index) => choice(index, outputText(g.output), FINISH[g.finish]),
    delta: (g, index, at) => choice(index, g.output.tokens[at] as string, null),
    finish: (g, index) => choice(index, '', FINISH[g.finish]),
  };
}

export const completions: Endpoint = {
  dialect: 'openai',
  plan(body, context) {
    refuseUnknown(body, COMPLETION_PARAMS);
    const model = requiredString(body, 'model');
    if (body.prompt === undefined)
      refuse("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
    // The legacy endpoint's default: 16 tokens.
    const limit = optionalInteger(body, 'max_tokens', 1, MAX_MOCK_TOKENS, 16);
    const ask: Ask = { tools: [], toolChoice: 'none', afterToolResult: false, limit };
    const id = context.id('cmpl-');
    return choicesAnswer(
      body,
      model,
      ask,
      promptTokens(body.prompt),
      context,
      completionShape(id, context.created, model),
    );
  },
};

/**
 * The mock's token accounting, in one place: how many tokens a prompt counts, how an output is
 * made of tokens and where a limit cuts it. Every endpoint's `usage` comes from here, so a
 * tokenizer replaces these estimates for all of them at once.
 */
import type { Random } from '../../util/random.ts';

const WORDS = [
  'the',
  ' model',
  ' streams',
  ' tokens',
  ' quickly',
  ',',
  ' and',
  ' every',
  ' event',
  ' counts',
  '.',
];

/** Characters per token of the estimates (OpenAI's rule of thumb for English). */
const CHARS_PER_TOKEN = 4;

/** One token of made-up text. */
export function tokenText(random: Random): string {
  return WORDS[random.int(0, WORDS.length - 1)] as string;
}

/** `count` tokens of made-up text. */
export function textTokens(count: number, random: Random): string[] {
  return Array.from({ length: count }, () => tokenText(random));
}

/** Text that must be sent as it is (JSON, tool arguments) cut into tokens of a few characters. */
export function splitTokens(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += CHARS_PER_TOKEN) out.push(text.slice(at, at + CHARS_PER_TOKEN));
  return out;
}

/** Tokens of a request's input (messages, prompt, instructions…): an estimate from its JSON size. */
export function promptTokens(input: unknown): number {
  return Math.max(1, Math.round((JSON.stringify(input) ?? '').length / CHARS_PER_TOKEN));
}

/** The first of `names` in `body` that is a number: the request's output limit; unbounded otherwise. */
export function outputLimit(body: Record<string, unknown>, names: readonly string[]): number {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'number') return value;
  }
  return Number.POSITIVE_INFINITY;
}

/** `tokens` cut at `limit`: `cut` says the limit ended the output (finish "length"). */
export function capTokens(tokens: string[], limit: number): { tokens: string[]; cut: boolean } {
  return tokens.length > limit ? { tokens: tokens.slice(0, limit), cut: true } : { tokens, cut: false };
}

/** OpenAI's chat/completions usage object. */
export function usageObject(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/**
 * Vercel's `ai` SDK with `@ai-sdk/openai` as a real client of `serve llm` on 127.0.0.1: its
 * default provider (`openai(model)`, the Responses API), `.chat()` (chat completions),
 * `generateObject` and tool calls with a tool loop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOpenAI, type OpenAIProvider } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';

const KEY = 'sk-ai-test';
const Recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(8),
  steps: z.array(z.string()).min(1),
});

describe('ai SDK (@ai-sdk/openai) against serve llm', () => {
  let llm: MockLlm;
  let openai: OpenAIProvider;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 0, tokens: [5, 5], apiKey: KEY });
    openai = createOpenAI({ apiKey: KEY, baseURL: `${llm.url}/v1` });
  });
  after(() => llm.close());

  test('openai(model), the default Responses provider: generateText and streamText', async () => {
    const before = llm.stats().requests;
    const result = await generateText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    assert.ok(result.text.length > 0);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.usage.outputTokens, 5);
    const streamed = streamText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    assert.ok(text.length > 0);
    assert.equal((await streamed.usage).outputTokens, 5);
    assert.equal(llm.stats().requests - before, 2);
  });

  test('.chat(): chat completions, streamed and not', async () => {
    const result = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    assert.ok(result.text.length > 0);
    assert.equal(result.usage.outputTokens, 5);
    const streamed = streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    assert.ok(text.length > 0);
  });

  test('generateObject: a schema-valid object from the Responses and the chat provider', async () => {
    for (const model of [openai('gpt-4o-mini'), openai.chat('gpt-4o-mini')]) {
      const { object } = await generateObject({ model, schema: Recipe, prompt: 'a recipe', maxRetries: 0 });
      assert.equal(Recipe.safeParse(object).success, true, JSON.stringify(object));
    }
  });

  test('tools: the model calls the tool, the loop sends the result back, the answer is text', async () => {
    for (const model of [openai('gpt-4o-mini'), openai.chat('gpt-4o-mini')]) {
      const calls: unknown[] = [];
      const result = await generateText({
        model,
        prompt: 'weather in Paris?',
        maxRetries: 0,
        tools: {
          weather: tool({
            description: 'the weather of a city',
            inputSchema: z.object({ city: z.string(), unit: z.enum(['c', 'f']) }),
            execute: async (input) => {
              calls.push(input);
              return { temperature: 21 };
            },
          }),
        },
        stopWhen: stepCountIs(3),
      });
      assert.equal(calls.length, 1, 'one tool call, validated against the zod schema by the SDK');
      assert.equal(result.steps.length, 2);
      assert.equal(result.finishReason, 'stop');
      assert.ok(result.text.length > 0);
    }
  });
});

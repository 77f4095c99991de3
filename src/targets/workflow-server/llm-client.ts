/**
 * Streams a chat completion from the (mock) LLM over real HTTP with a keep-alive pool, the way
 * Dify's LLM node calls its model provider.
 */
import { Agent, request } from 'undici';
import { createSseParser } from '../../sse/parser.ts';
import { bearerHeader } from '../../util/bearer.ts';

export interface LlmCall {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  readonly onText: (text: string) => void;
  /** The caller's client lags: a promise to await before reading more of the LLM's stream. */
  readonly drained?: () => Promise<void> | undefined;
}

export interface LlmResult {
  readonly text: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export class LlmError extends Error {}

export interface LlmClient {
  complete(call: LlmCall): Promise<LlmResult>;
  close(): Promise<void>;
}

export function createLlmClient(baseUrl: string, apiKey?: string): LlmClient {
  const dispatcher = new Agent({ connections: 2048, keepAliveTimeout: 30_000, pipelining: 1 });
  const url = `${baseUrl.replace(/\/$/, '')}/v1/chat/completions`;

  async function complete(call: LlmCall): Promise<LlmResult> {
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      signal: call.signal,
      headers: {
        'content-type': 'application/json',
        ...bearerHeader(apiKey),
      },
      body: JSON.stringify({
        ...call.params,
        model: call.model,
        messages: call.messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    }).catch((error: unknown) => {
      throw new LlmError(`LLM request failed: ${(error as Error).message}`);
    });
    if (response.statusCode !== 200) {
      const body = await response.body.text().catch(() => '');
      throw new LlmError(`LLM answered ${response.statusCode}: ${body.slice(0, 200)}`);
    }
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    let done = false;
    let failure: string | undefined;
    const parser = createSseParser({
      onEvent(event) {
        if (event.data === '[DONE]') {
          done = true;
          return;
        }
        let chunk: {
          choices?: { delta?: { content?: string } }[];
          usage?: typeof usage;
          error?: { message?: string };
        };
        try {
          chunk = JSON.parse(event.data);
        } catch {
          failure = 'LLM sent invalid JSON';
          return;
        }
        if (chunk.error !== undefined) failure = chunk.error.message ?? 'LLM stream error';
        const content = chunk.choices?.[0]?.delta?.content;
        if (typeof content === 'string' && content !== '') {
          text += content;
          call.onText(content);
        }
        if (chunk.usage) usage = chunk.usage;
      },
    });
    try {
      for await (const data of response.body) {
        parser.feed(data as Buffer);
        // Waiting here stops reading the LLM's socket: TCP carries the slow client's pace upstream.
        const lag = call.drained?.();
        if (lag !== undefined) await lag;
      }
    } catch (error) {
      throw new LlmError(`LLM stream broke: ${(error as Error).message}`);
    }
    if (failure !== undefined) throw new LlmError(failure);
    if (!done) throw new LlmError('LLM stream ended before [DONE]');
    return { text, promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 };
  }

  return { complete, close: () => dispatcher.close() };
}

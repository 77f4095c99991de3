/** Picks the protocol a run speaks from its configuration. */

import { bearerHeader } from '../util/bearer.ts';
import { anthropicKeyHeader, createAnthropicProtocol } from './anthropic.ts';
import { createChatProtocol } from './chat.ts';
import type { ProtocolName } from './names.ts';
import { createOpenAiProtocol } from './openai.ts';
import { createOpenAiResponsesProtocol } from './openai-responses.ts';
import type { ProtocolConfig } from './options.ts';
import { createGenericSseProtocol } from './sse.ts';
import type { Protocol } from './types.ts';
import { createWorkflowProtocol } from './workflow.ts';

const opt = <K extends string, V>(key: K, value: V | null) =>
  value === null ? {} : ({ [key]: value } as Record<K, V>);

/** Key, path and the run's headers: what every LLM protocol is built from. */
const llmOptions = (config: ProtocolConfig) => ({
  ...opt('apiKey', config.apiKey),
  ...opt('path', config.path),
  headers: config.headers,
});

/** One factory per name in PROTOCOLS (names.ts): the mapped type refuses a protocol left out. */
const FACTORIES: { readonly [P in ProtocolName]: (config: ProtocolConfig) => Protocol } = {
  workflow: (config) => createWorkflowProtocol(llmOptions(config)),
  chat: (config) => createChatProtocol(llmOptions(config)),
  openai: (config) => createOpenAiProtocol({ ...llmOptions(config), ...opt('model', config.model) }),
  'openai-responses': (config) =>
    createOpenAiResponsesProtocol({ ...llmOptions(config), ...opt('model', config.model) }),
  anthropic: (config) => createAnthropicProtocol({ ...llmOptions(config), ...opt('model', config.model) }),
  sse: (config) =>
    createGenericSseProtocol({
      ...opt('path', config.path),
      method: config.method,
      ...opt('body', config.body),
      ...opt('terminalEvent', config.terminalEvent),
      ...opt('terminalData', config.terminalData),
      headers: authHeaders(config),
    }),
};

export function getProtocol(config: ProtocolConfig): Protocol {
  return FACTORIES[config.protocol](config);
}

/** The run's key (when any) as its protocol presents it, under its `--header`s and User-Agent: what every request carries. */
export function authHeaders(config: ProtocolConfig): Record<string, string> {
  const key =
    config.protocol === 'anthropic' ? anthropicKeyHeader(config.apiKey) : bearerHeader(config.apiKey);
  return { ...key, ...config.headers };
}

/** The protocols the embedded mock LLM answers (the others go to the embedded workflow server). */
export function servedByMockLlm(protocol: ProtocolName): boolean {
  return protocol === 'openai' || protocol === 'openai-responses' || protocol === 'anthropic';
}

export type { Protocol } from './types.ts';

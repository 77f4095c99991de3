/** Picks the protocol a run speaks from its configuration. */
import type { RunConfig } from '../config/types.ts';
import { bearerHeader } from '../util/bearer.ts';
import { createChatProtocol } from './chat.ts';
import { createOpenAiProtocol } from './openai.ts';
import { createGenericSseProtocol } from './sse.ts';
import type { Protocol } from './types.ts';
import { createWorkflowProtocol } from './workflow.ts';

const opt = <K extends string, V>(key: K, value: V | null) =>
  value === null ? {} : ({ [key]: value } as Record<K, V>);

export function getProtocol(config: RunConfig): Protocol {
  switch (config.protocol) {
    case 'workflow':
      return createWorkflowProtocol({
        ...opt('apiKey', config.apiKey),
        ...opt('path', config.path),
        headers: config.headers,
      });
    case 'chat':
      return createChatProtocol({
        ...opt('apiKey', config.apiKey),
        ...opt('path', config.path),
        headers: config.headers,
      });
    case 'openai':
      return createOpenAiProtocol({
        ...opt('apiKey', config.apiKey),
        ...opt('path', config.path),
        ...opt('model', config.model),
        headers: config.headers,
      });
    case 'sse':
      return createGenericSseProtocol({
        ...opt('path', config.path),
        method: config.method,
        ...opt('body', config.body),
        ...opt('terminalEvent', config.terminalEvent),
        ...opt('terminalData', config.terminalData),
        headers: authHeaders(config),
      });
  }
}

/** The run's Bearer key (when any) under its `--header`s and User-Agent: what every request carries. */
export function authHeaders(config: RunConfig): Record<string, string> {
  return {
    ...bearerHeader(config.apiKey),
    ...config.headers,
  };
}

export type { Protocol } from './types.ts';

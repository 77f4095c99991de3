/**
 * Any SSE endpoint: every event with data is content; the stream succeeds when it ends cleanly or,
 * when configured, when the terminal event name / data arrives.
 */
import { DONE, ONE_TOKEN } from './json-events.ts';
import type { EventMeaning, Protocol } from './types.ts';

export interface GenericSseOptions {
  path?: string;
  method?: string;
  body?: string;
  headers?: Readonly<Record<string, string>>;
  terminalEvent?: string;
  terminalData?: string;
}

export function createGenericSseProtocol(options: GenericSseOptions): Protocol {
  const path = options.path ?? '/';
  const method = (options.method ?? 'GET').toUpperCase();
  const hasTerminal = options.terminalEvent !== undefined || options.terminalData !== undefined;
  const headers = {
    accept: 'text/event-stream',
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  return {
    name: 'sse',
    buildRequest() {
      return {
        method,
        path,
        name: path,
        headers,
        ...(options.body === undefined ? {} : { body: options.body }),
      };
    },
    createInterpreter() {
      return {
        endIsSuccess: !hasTerminal,
        interpret(sse): EventMeaning {
          if (
            (options.terminalEvent !== undefined && sse.type === options.terminalEvent) ||
            (options.terminalData !== undefined && sse.data === options.terminalData)
          ) {
            return DONE;
          }
          return ONE_TOKEN;
        },
      };
    },
    judgeBody() {
      return { ok: true };
    },
  };
}

/** `streamload serve workflow`'s options through the kernel (config/option.ts). */
import { option } from '../../config/option.ts';
import { amount, duration, flag, httpUrl, text, texts } from '../../config/values.ts';
import { listenOptions, MOCK_PACE_OPTIONS } from '../mock-llm/serve-options.ts';

/** Dify's own keep-alive ping of an idle stream. */
export const PING_INTERVAL_MS = 10_000;
/** What an HTTP Request node gets from a host not allowed. */
export const HTTP_MOCK_BODY = '{"mock": true}';

export const SERVE_WORKFLOW_OPTIONS = {
  ...listenOptions(5001),
  llmUrl: option({
    arg: 'url',
    help: 'OpenAI-compatible LLM for LLM nodes',
    value: httpUrl,
    default: null,
    defaultHelp: 'an embedded mock LLM in this process',
  }),
  llmApiKey: option({ arg: 'key', help: 'Bearer key for --llm-url', value: text, default: null }),
  app: option({
    arg: 'KEY=FILE.yml',
    help: 'serve a Dify DSL workflow file under API key KEY (repeatable)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  ...MOCK_PACE_OPTIONS,
  pingInterval: option({
    arg: 'dur',
    help: 'ping idle streams this often (as Dify)',
    value: duration,
    default: PING_INTERVAL_MS,
  }),
  consolePassword: option({
    arg: 'password',
    help:
      'also serve the Dify console API subset `streamload setup` drives (setup, login, imports, publish, keys); ' +
      'the first admin must use this password',
    value: text,
    default: null,
    defaultHelp: 'off',
  }),
  python: option({
    help: 'run Python code nodes with python3 (default: typed placeholder outputs)',
    value: flag,
    default: false,
  }),
  httpAllow: option({
    arg: 'host[:port]',
    help: 'HTTP Request nodes really request this host too (repeatable; loopback always; others get the mock answer)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  httpMockBody: option({
    arg: 'text',
    help: 'the answer body of HTTP Request nodes to hosts not allowed',
    value: text,
    default: HTTP_MOCK_BODY,
  }),
  retrievalMs: option({
    arg: 'ms',
    help: 'latency of the mock knowledge retrieval (knowledge-retrieval nodes)',
    value: amount(0),
    default: 0,
  }),
  consoleLegacyLogin: option({
    help:
      'the console logs in as Dify before 1.11: plain password, tokens in the login body, no CSRF ' +
      '(default: as Dify 1.13, base64 password, cookies, X-CSRF-Token on every call)',
    value: flag,
    default: false,
  }),
};

export const SERVE_WORKFLOW_HELP = `
Built-in apps (API keys):
  app-empty  workflow Start → End (input: query)           blocking QPS of the server itself
  app-llm    workflow Start → LLM → End (input: question)  streams text_chunk events
  app-chat   chat app for /v1/chat-messages               streams message events
Apps made through the console (--console-password) live in memory as long as this server runs.
Counters: GET /_mock/stats.`;

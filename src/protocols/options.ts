/**
 * The protocols' fragment of the run options: where requests go, what they say and how a
 * protocol reads the answer. A new protocol knob is one entry here.
 */
import { option, type ValuesOf } from '../config/option.ts';
import { httpUrl, jsonObject, oneOf, text } from '../config/values.ts';
import {
  DEFAULT_ANTHROPIC_MODEL,
  DEFAULT_OPENAI_MODEL,
  PROTOCOLS,
  type ProtocolName,
  RESPONSE_MODES,
  type ResponseMode,
} from './names.ts';

/** What the computed defaults below read (the run's table hands them over, resolved). */
export interface ProtocolDefaults {
  readonly target: string | null;
  readonly protocol: ProtocolName;
  /** What a built-in scenario implies for the protocol options, if anything. */
  readonly preset: { readonly protocol?: ProtocolName; readonly responseMode?: ResponseMode } | undefined;
  /** The key of the embedded target that answers this protocol and scenario (none: null). */
  readonly embeddedKey: string | null;
}

export const PROTOCOL_OPTIONS = {
  target: option({
    arg: 'url',
    help: 'origin of the API under test',
    value: httpUrl,
    default: null,
    defaultHelp: 'start the embedded targets',
    web: { label: 'target', placeholder: 'empty = embedded reference targets' },
  }),
  protocol: option({
    arg: 'name',
    help: PROTOCOLS.join(' | '),
    value: oneOf(PROTOCOLS),
    default: (c: ProtocolDefaults): ProtocolName => c.preset?.protocol ?? 'workflow',
    defaultHelp: "the scenario's, else workflow",
    web: { label: 'protocol', blank: "(scenario's)" },
  }),
  apiKey: option({
    arg: 'key',
    help: 'Bearer key; visible in `ps`: prefer --api-key-file or env STREAMLOAD_API_KEY',
    value: text,
    default: (c: ProtocolDefaults): string | null => (c.target === null ? c.embeddedKey : null),
    defaultHelp: "the embedded targets' keys",
    nullable: true,
    web: { label: 'API key', secret: true, placeholder: 'from the command line' },
  }),
  apiKeyFile: option({
    arg: 'file',
    help: 'read the Bearer key from this file (first line; overrides STREAMLOAD_API_KEY)',
    value: text,
    default: null,
  }),
  path: option({
    arg: 'path',
    help: 'request path',
    value: text,
    default: null,
    defaultHelp: "the protocol's",
  }),
  responseMode: option({
    arg: 'mode',
    help: RESPONSE_MODES.join(' | '),
    value: oneOf(RESPONSE_MODES),
    default: (c: ProtocolDefaults): ResponseMode => c.preset?.responseMode ?? 'streaming',
    defaultHelp: "the scenario's, else streaming",
  }),
  inputs: option({
    arg: 'json',
    help: 'extra inputs as a JSON object',
    value: jsonObject,
    default: {},
  }),
  model: option({
    arg: 'name',
    help: `openai, openai-responses, anthropic protocols: model name (anthropic: ${DEFAULT_ANTHROPIC_MODEL} when none)`,
    value: text,
    default: null,
    // The value is none (run.json says null); what an openai request then names is the protocol's.
    defaultHelp: `none: a request names ${DEFAULT_OPENAI_MODEL}`,
  }),
  method: option({ arg: 'verb', help: 'sse protocol: HTTP method', value: text, default: 'GET' }),
  body: option({ arg: 'text', help: 'sse protocol: request body', value: text, default: null }),
  terminalEvent: option({
    arg: 'name',
    help: 'sse protocol: event type that ends a stream successfully',
    value: text,
    default: null,
  }),
  terminalData: option({
    arg: 'text',
    help: 'sse protocol: event data that ends a stream successfully',
    value: text,
    default: null,
  }),
};

/**
 * What a protocol is built from: its options, resolved (the key read from its file), the run's
 * question pool and the headers every request carries (User-Agent, `--header`).
 */
export type ProtocolConfig = Omit<ValuesOf<typeof PROTOCOL_OPTIONS>, 'apiKeyFile'> & {
  readonly questions: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
};

/** How the LLM protocols (Dify workflow and chat, OpenAI) send: a JSON POST with the run's headers. */
import { bearerHeader } from '../util/bearer.ts';
import type { ProtocolRequest } from './types.ts';

/** What the LLM protocols are built from: the run's key, its `--path` and its headers. */
export interface JsonProtocolOptions {
  apiKey?: string;
  path?: string;
  /** The run's headers (`--header`, User-Agent), over the protocol's own. */
  headers?: Readonly<Record<string, string>>;
}

/** How a protocol presents the run's key: `Authorization: Bearer` unless it says otherwise (Anthropic's `x-api-key`). */
export type KeyHeader = (key: string | null | undefined) => Record<string, string>;

/** The path (the protocol's own unless `--path`) and headers every request of the protocol uses. */
export function jsonEndpoint(
  options: JsonProtocolOptions,
  defaultPath: string,
  keyHeader: KeyHeader = bearerHeader,
): { readonly path: string; readonly headers: Record<string, string> } {
  return {
    path: options.path ?? defaultPath,
    // JSON + the key under the run's own headers (`--header`, User-Agent), which win.
    headers: { 'content-type': 'application/json', ...keyHeader(options.apiKey), ...options.headers },
  };
}

/** A POST of `body` as JSON to `path`, named by its path in the request table. */
export function jsonPost(
  path: string,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): ProtocolRequest {
  return { method: 'POST', path, name: path, headers, body: JSON.stringify(body) };
}

/** How the LLM protocols (Dify workflow and chat, OpenAI) send: a JSON POST with the run's headers. */
import { bearerHeader } from '../util/bearer.ts';
import type { ProtocolRequest } from './types.ts';

/** JSON + Bearer headers under the run's own (`--header`, User-Agent), which win. */
export function jsonHeaders(
  apiKey: string | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { 'content-type': 'application/json', ...bearerHeader(apiKey), ...extra };
}

/** A POST of `body` as JSON to `path`, named by its path in the request table. */
export function jsonPost(
  path: string,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): ProtocolRequest {
  return { method: 'POST', path, name: path, headers, body: JSON.stringify(body) };
}

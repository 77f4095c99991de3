/**
 * One request before the load: is the target reachable, is the key accepted, is the response the
 * right kind? Failures become one actionable line (exit 2) instead of a run full of errors.
 */
import { request } from 'undici';
import { UsageError } from '../errors.ts';
import type { ProtocolConfig } from '../protocols/options.ts';
import type { Protocol } from '../protocols/types.ts';
import { describeCertificateError } from './certificate-error.ts';
import { describeTransportError, isEventStreamType } from './classify.ts';
import { createTransport, type TransportConfig } from './transport.ts';

/**
 * With `reachabilityOnly` (scenario files, whose tasks may call other paths than the protocol's),
 * any HTTP answer passes: only an unreachable target fails.
 */
export async function preflight(
  config: ProtocolConfig & TransportConfig,
  protocol: Protocol,
  origin: string,
  options: { reachabilityOnly?: boolean } = {},
): Promise<void> {
  const req = protocol.buildRequest({
    question: config.questions[0] ?? 'ping',
    inputs: config.inputs,
    user: 'streamload-preflight',
    responseMode: config.responseMode,
  });
  const url = `${origin}${req.path}`;
  // The load's own transport (proxy, TLS, HTTP/2), so what passes here passes there.
  const transport = createTransport(config);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), config.connectTimeout + config.firstByteTimeout);
  try {
    const res = await request(url, {
      method: req.method as 'POST',
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: abort.signal,
      dispatcher: transport.dispatcher,
    });
    const type = String(res.headers['content-type'] ?? '');
    const sample = res.statusCode >= 400 ? (await res.body.text()).slice(0, 200).replace(/\s+/g, ' ') : '';
    // Only the head matters: do not wait for a whole stream.
    res.body.on('error', () => {});
    res.body.destroy();
    if (options.reachabilityOnly === true) return;
    // Named in every refusal: a server that speaks another API (an OpenAI-only server asked for
    // Anthropic's /v1/messages) answers 404, 405 or 401 to a protocol it does not know.
    const speaking = `--protocol ${protocol.name}`;
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new UsageError(
        `API key ${config.apiKey === null ? 'missing (use --api-key or STREAMLOAD_API_KEY) for' : 'rejected by'} ${url} (${res.statusCode}${protocol.name === 'anthropic' ? `; ${speaking} sends it as x-api-key` : ''})`,
      );
    }
    if (res.statusCode === 404)
      throw new UsageError(
        `${url} answered 404: does the target speak ${speaking}? check --target and --path (${sample})`,
      );
    if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429) {
      throw new UsageError(
        `${url} refused the request (${res.statusCode}): ${sample} — check --inputs, ${speaking} and --path`,
      );
    }
    if (res.statusCode < 300 && config.responseMode === 'streaming' && !isEventStreamType(type)) {
      throw new UsageError(
        `${url} did not stream: content type "${type}" (expected text/event-stream); check ${speaking} or use --response-mode blocking`,
      );
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const certificate = describeCertificateError(error as Error);
    if (certificate !== undefined) throw new UsageError(`TLS: ${url}: ${certificate}`);
    throw new UsageError(`cannot reach ${url}: ${describeTransportError(error as Error)}`);
  } finally {
    clearTimeout(timer);
    // Destroy, not close: a stream whose body was dropped need not be waited for.
    await transport.dispatcher.destroy().catch(() => {});
  }
}

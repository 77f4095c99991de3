/**
 * One request before the load: is the target reachable, is the key accepted, is the response the
 * right kind? Failures become one actionable line (exit 2) instead of a run full of errors.
 */
import { request } from 'undici';
import { redactUrl } from '../config/redact.ts';
import { UsageError } from '../errors.ts';
import type { ProtocolConfig } from '../protocols/options.ts';
import type { Protocol } from '../protocols/types.ts';
import { readBoundedText } from '../util/bounded-body.ts';
import { describeCertificateError } from './certificate-error.ts';
import {
  COMPRESSED_HINT,
  contentEncoding,
  describeTransportError,
  errorCode,
  isEventStreamType,
} from './classify.ts';
import { createTransport, type TransportConfig } from './transport.ts';

/** An error page is read this far for its message; the rest is dropped (a 400 MB body costs nothing). */
const ERROR_BODY_BYTES = 64 * 1024;

/** A transport error; a timeout names the option whose wait ran out and its value. */
function describeWait(error: Error, config: TransportConfig): string {
  if (error instanceof PreflightTimeoutError) return error.message;
  const code = errorCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return `no response head within --first-byte-timeout (${config.firstByteTimeout} ms)`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' && error.name === 'ConnectTimeoutError')
    return `no connection within --connect-timeout (${config.connectTimeout} ms)`;
  return describeTransportError(error);
}

/** The preflight's own deadline: which timeouts it is made of, so the line says what to raise. */
class PreflightTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
  constructor(limitMs: number) {
    super(`no complete answer within --connect-timeout + --first-byte-timeout (${limitMs} ms)`);
    this.name = 'PreflightTimeoutError';
  }
}

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
  const limitMs = config.connectTimeout + config.firstByteTimeout;
  let timer: NodeJS.Timeout | undefined;
  // undici rejects an aborted request only once it has a connection: a request still waiting
  // for one (a tunnel, a pool slot) is given up here, by the preflight's own deadline.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PreflightTimeoutError(limitMs);
      abort.abort(error);
      reject(error);
    }, limitMs);
  });
  try {
    const pending = request(url, {
      method: req.method as 'POST',
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: abort.signal,
      dispatcher: transport.dispatcher,
    });
    pending.catch(() => {}); // lost the race to the deadline: settled by the destroy below
    const res = await Promise.race([pending, deadline]);
    const type = String(res.headers['content-type'] ?? '');
    // The deadline's abort ends a body dribbled byte by byte as it ends a head that never comes.
    const sample =
      res.statusCode >= 400
        ? (await readBoundedText(res.body, ERROR_BODY_BYTES)).text.slice(0, 200).replace(/\s+/g, ' ')
        : '';
    // Only the head matters: do not wait for a whole stream.
    res.body.on('error', () => {});
    res.body.destroy();
    if (options.reachabilityOnly === true) return;
    if (res.statusCode >= 300 && res.statusCode < 400) {
      // The load does not follow redirects (each would be a second request, timed as one): a
      // redirecting target would fail every request with a bare 3xx.
      const location = res.headers.location;
      throw new UsageError(
        `${url} answered ${res.statusCode} (a redirect${location === undefined ? '' : ` to ${redactUrl(String(location))}`}): streamload does not follow redirects; use the final URL in --target/--path`,
      );
    }
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
    const encoding = contentEncoding(res.headers['content-encoding']);
    if (res.statusCode < 300 && encoding !== undefined) {
      throw new UsageError(
        `${url} answered with Content-Encoding: ${encoding} although streamload asks for identity: ${COMPRESSED_HINT}`,
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
    throw new UsageError(`cannot reach ${url}: ${describeWait(error as Error, config)}`);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    // Destroy, not close: a stream whose body was dropped need not be waited for.
    await transport.dispatcher.destroy().catch(() => {});
  }
}

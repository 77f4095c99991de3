// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * HTTP Request (`http-request`): a real request only to loopback or to a host the operator
 * allowed (`--http-allow`); any other URL gets the configured mock answer, so a load test of an
 * app never sends traffic to a third party. No redirects are followed, answers are bounded.
 */
import { request } from 'undici';
import { HTTP_MOCK_BODY } from '../serve-options.ts';
import { type HttpPolicy, NodeError, type NodeKind } from './types.ts';

export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  allow: [],
  mockStatus: 200,
  mockBody: HTTP_MOCK_BODY,
  timeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
};

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a URL may be really requested: loopback, or a host the operator listed. */
export function mayRequest(url: URL, policy: HttpPolicy): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || IPV4_LOOPBACK.test(host)) return true;
  return policy.allow.some((allowed) => allowed === host || allowed === url.host.toLowerCase());
}

export interface HttpConfig {
  readonly method: string;
  readonly url: string;
  readonly headers: string;
  readonly params: string;
  readonly body: string | null;
  readonly contentType: string | null;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export const HTTP_REQUEST: NodeKind<HttpConfig> = {
  parse: (data, at) => {
    const method = String(data.method ?? 'get').toLowerCase();
    if (!METHODS.includes(method))
      return at.fail(['method'], `HTTP method "${data.method}" is not supported`);
    if (typeof data.url !== 'string') return at.fail([], 'an HTTP Request node needs a url');
    const body = data.body as any;
    const type = body?.type ?? 'none';
    return {
      method: method.toUpperCase(),
      url: data.url,
      headers: typeof data.headers === 'string' ? data.headers : '',
      params: typeof data.params === 'string' ? data.params : '',
      body: type === 'none' ? null : bodyText(body?.data),
      contentType:
        type === 'json'
          ? 'application/json'
          : type === 'x-www-form-urlencoded'
            ? 'application/x-www-form-urlencoded'
            : type === 'none'
              ? null
              : 'text/plain',
    };
  },
  run: async (config, ctx) => {
    let url: URL;
    try {
      url = new URL(ctx.pool.render(config.url));
    } catch {
      throw new NodeError(`invalid URL: ${ctx.pool.render(config.url).slice(0, 200)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new NodeError(`unsupported URL scheme ${url.protocol}`);
    for (const [key, value] of pairs(ctx.pool.render(config.params))) url.searchParams.append(key, value);
    const policy = ctx.services.http;
    const inputs = { method: config.method, url: url.href };
    if (!mayRequest(url, policy))
      return {
        inputs,
        processData: { mocked: true },
        outputs: {
          status_code: policy.mockStatus,
          body: policy.mockBody,
          headers: { 'content-type': 'application/json' },
          files: [],
        },
      };
    const headers: Record<string, string> = Object.fromEntries(pairs(ctx.pool.render(config.headers)));
    if (config.contentType !== null) headers['content-type'] ??= config.contentType;
    const response = await request(url, {
      method: config.method as 'GET',
      headers,
      ...(config.body === null || config.method === 'GET' ? {} : { body: ctx.pool.render(config.body) }),
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(policy.timeoutMs)]),
      headersTimeout: policy.timeoutMs,
      bodyTimeout: policy.timeoutMs,
    }).catch((error: unknown) => {
      throw new NodeError(`HTTP request failed: ${(error as Error).message}`);
    });
    let size = 0;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > policy.maxResponseBytes) {
          response.body.destroy();
          throw new NodeError(`HTTP response is larger than ${policy.maxResponseBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw error instanceof NodeError
        ? error
        : new NodeError(`HTTP response broke: ${(error as Error).message}`);
    }
    const responseHeaders: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.headers))
      if (value !== undefined) responseHeaders[key] = Array.isArray(value) ? value.join(', ') : value;
    return {
      inputs,
      outputs: {
        status_code: response.statusCode,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: responseHeaders,
        files: [],
      },
    };
  },
};

/** A body's `data`: text (older DSL) or a list of `{value}` parts (newer). */
function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data))
    return data.map((p: any) => (p?.key ? `${p.key}=${p.value ?? ''}` : String(p?.value ?? ''))).join('&');
  return '';
}

/** `key:value` lines (Dify's headers and params fields). */
function pairs(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(':'))
    .map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    });
}

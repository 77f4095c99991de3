/**
 * The web UI's HTTP server: the page, its bundle, the live feed over SSE, the POST-only control
 * endpoints, report downloads and Prometheus /metrics. Every request must name an allowed Host and
 * pass the auth check; every state-changing one must also come from an allowed origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { encodeSseComment, encodeSseEvent } from '../sse/encoder.ts';
import {
  BodyTooLargeError,
  listen,
  parseJsonObject,
  readBody,
  sendJson,
  startEventStream,
} from '../util/http-server.ts';
import { loadAssets, pageHtml } from './assets.ts';
import { type WebController, WebError } from './controller.ts';
import { createHostGuard, type HostGuard, isAuthorized } from './guard.ts';
import type { WebOptions } from './options.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
import { openReportFile } from './report-file.ts';

const BODY_LIMIT = 64 * 1024;
const KEEPALIVE_MS = 15_000;
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'referrer-policy': 'no-referrer',
} as const;

export interface WebServer {
  /** The UI's URL, e.g. http://127.0.0.1:8089/ */
  readonly url: string;
  close(): Promise<void>;
}

type Action = (body: Record<string, unknown>) => Promise<void> | void;

export async function startWebServer(controller: WebController, options: WebOptions): Promise<WebServer> {
  const streams = new Set<ServerResponse>();
  const actions: Record<string, Action> = {
    '/api/start': (body) => controller.start(body),
    '/api/stop': () => controller.stop(),
    '/api/users': (body) => controller.setUsers(body.users),
    '/api/reset': () => controller.reset(),
  };

  const unsubscribe = controller.subscribe((event, data) => {
    const frame = encodeSseEvent({ event, data: JSON.stringify(data) });
    for (const res of streams) res.write(frame);
  });
  const keepalive = setInterval(() => {
    for (const res of streams) res.write(encodeSseComment('keep-alive'));
  }, KEEPALIVE_MS);
  keepalive.unref();
  // Set once the server listens (the allow-list includes the bound port).
  let hosts: HostGuard | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (hosts === undefined || !hosts.hostAllowed(req.headers.host)) {
      return sendJson(res, 421, {
        error: `Host ${JSON.stringify(req.headers.host ?? '')} is not served here (add it with --web-allowed-host)`,
      });
    }
    if (!isAuthorized(req, url, options)) {
      const challenge: Record<string, string> =
        options.auth === null ? {} : { 'www-authenticate': 'Basic realm="streamload", charset="UTF-8"' };
      return sendJson(res, 401, { error: 'authentication required' }, challenge);
    }
    const action = actions[url.pathname];
    if (action !== undefined) return runAction(req, res, action);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: `${req.method} not allowed` }, { allow: 'GET, HEAD' });
    }
    switch (url.pathname) {
      case '/':
        return sendText(res, 200, 'text/html; charset=utf-8', pageHtml());
      case '/app.js':
        return sendText(res, 200, 'text/javascript; charset=utf-8', (await loadAssets()).js);
      case '/app.css':
        return sendText(res, 200, 'text/css; charset=utf-8', (await loadAssets()).css);
      case '/api/view':
        return sendJson(res, 200, controller.view());
      case '/api/events':
        return openFeed(req, res);
      case '/metrics':
        return sendText(res, 200, PROMETHEUS_CONTENT_TYPE, controller.prometheus());
      case '/health':
        return sendJson(res, 200, { status: 'ok' });
    }
    if (url.pathname.startsWith('/reports/')) {
      let name: string;
      try {
        name = decodeURIComponent(url.pathname.slice(9));
      } catch {
        return sendJson(res, 400, { error: 'malformed escape in the report name' });
      }
      return sendReport(res, name);
    }
    sendJson(res, 404, { error: `no route ${url.pathname}` });
  }

  async function runAction(req: IncomingMessage, res: ServerResponse, action: Action): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (hosts === undefined || !hosts.originAllowed(req)) {
      return sendJson(res, 403, {
        error: `cross-origin request refused (Origin: ${req.headers.origin ?? '?'})`,
      });
    }
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(req, BODY_LIMIT);
      if (text.trim() !== '') {
        const parsed = parseJsonObject(text);
        if (parsed === undefined) return sendJson(res, 400, { error: 'body must be a JSON object' });
        body = parsed;
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: error.message });
      throw error;
    }
    try {
      await action(body);
    } catch (error) {
      if (error instanceof WebError) return sendJson(res, error.status, { error: error.message });
      throw error;
    }
    sendJson(res, 200, controller.view());
  }

  function openFeed(req: IncomingMessage, res: ServerResponse): void {
    startEventStream(res);
    res.write(encodeSseEvent({ event: 'view', data: JSON.stringify(controller.view()) }));
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  async function sendReport(res: ServerResponse, name: string): Promise<void> {
    const file = controller.reportPath(name);
    const handle = file === undefined ? undefined : await openReportFile(file.dir, file.path);
    if (handle === undefined) {
      sendJson(res, 404, { error: `no report file ${name}` });
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeOf(name),
      'content-disposition': `attachment; filename="${name}"`,
    });
    handle
      .createReadStream()
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: error.message });
      else res.destroy();
    });
  });
  const port = await listen(server, options.port, options.host);
  hosts = createHostGuard(options, port);
  const host =
    options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      unsubscribe();
      clearInterval(keepalive);
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function contentTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  const types: Record<string, string> = {
    json: 'application/json',
    csv: 'text/csv; charset=utf-8',
    xml: 'application/xml',
    html: 'text/html; charset=utf-8',
    md: 'text/markdown; charset=utf-8',
    txt: 'text/plain; charset=utf-8',
  };
  return types[ext] ?? 'application/octet-stream';
}

/**
 * The embedded targets' router: method + path pattern → handler, one 404 and one 405 per router,
 * the body limit and JSON body reading in one place. Patterns are literal segments, `:name`
 * parameters and a trailing `*` (the rest of the path). A guard runs before routing (auth that must
 * answer 401 even for unknown paths, as the real services do) and hands handlers a context.
 * Tiny on purpose: a handful of routes per target, matched by a linear scan per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, parseJsonObject, readBody } from '../../util/http-server.ts';

/** `'*'`: any method (a sub-application that routes the rest itself). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';

export interface RouteOptions {
  /**
   * Read the body as a JSON object before the handler (413 over the limit, 400 when not an
   * object); `'or-empty'`: an empty body is `{}` (Dify's console posts some actions bodiless).
   */
  readonly json?: boolean | 'or-empty';
  /** Skip the guard (health and counters answer without a key). */
  readonly open?: boolean;
}

export interface RouteCall<C> {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request path without its query. */
  readonly path: string;
  /** `:name` segments (percent-decoded) and `*` (the rest of the path, from its leading `/`). */
  readonly params: Readonly<Record<string, string>>;
  /** What the guard returned (undefined on an open route or without a guard). */
  readonly context: C;
  /** The JSON object body of a route registered with `{ json: true }`; `{}` otherwise. */
  readonly body: Record<string, unknown>;
}

export type RouteHandler<C> = (call: RouteCall<C>) => void | Promise<void>;

/** How a router refuses a request: the target's own error bodies. */
export interface Refusals {
  /** Answers 404 (no pattern matches the path). */
  notFound(req: IncomingMessage, res: ServerResponse, path: string): void;
  /** Answers 405 (a pattern matches, not for this method); `allowed` goes into `Allow`. */
  methodNotAllowed(req: IncomingMessage, res: ServerResponse, path: string, allowed: readonly string[]): void;
  /** Answers 413 (a JSON body over `bodyLimit`). */
  bodyTooLarge(res: ServerResponse): void;
  /** Answers 400 (a JSON route's body is not a JSON object). */
  badJson(res: ServerResponse): void;
  /** Bytes a JSON body may have. */
  readonly bodyLimit: number;
}

export interface RouterOptions<C> extends Refusals {
  /**
   * Runs before every route but the open ones, and before a 404 or 405 (the real services answer
   * 401 for an unknown URL without a key): returns the context handlers get, or undefined after
   * answering itself.
   */
  guard?(req: IncomingMessage, res: ServerResponse, path: string): C | undefined;
}

export interface Router<C> {
  route(method: Method, pattern: string, handler: RouteHandler<C>, options?: RouteOptions): Router<C>;
  /** Answers one request: its route's handler, or the router's 404/405/413/400. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

interface Route<C> {
  readonly method: Method;
  readonly segments: readonly string[];
  /** The pattern ends in `*`: the segments are a prefix. */
  readonly rest: boolean;
  readonly handler: RouteHandler<C>;
  readonly json: boolean | 'or-empty';
  readonly open: boolean;
}

const NO_BODY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** The path of a request URL, without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function createRouter<C = undefined>(options: RouterOptions<C>): Router<C> {
  const routes: Route<C>[] = [];

  const router: Router<C> = {
    route(method, pattern, handler, routeOptions) {
      const rest = pattern.endsWith('/*');
      const segments = (rest ? pattern.slice(0, -2) : pattern).split('/').slice(1);
      routes.push({
        method,
        segments,
        rest,
        handler,
        json: routeOptions?.json ?? false,
        open: routeOptions?.open === true,
      });
      return router;
    },

    async handle(req, res) {
      const path = pathOf(req);
      const parts = path.split('/').slice(1);
      let found: { route: Route<C>; params: Record<string, string> } | undefined;
      let allowed: string[] | undefined;
      for (const route of routes) {
        const params = matchRoute(route, parts);
        if (params === undefined) continue;
        if (route.method === req.method || route.method === '*') {
          found = { route, params };
          break;
        }
        allowed ??= [];
        allowed.push(route.method);
      }
      let context = undefined as C;
      if (options.guard !== undefined && found?.route.open !== true) {
        const guarded = options.guard(req, res, path);
        if (guarded === undefined) return;
        context = guarded;
      }
      if (found === undefined) {
        if (allowed !== undefined) return options.methodNotAllowed(req, res, path, allowed);
        return options.notFound(req, res, path);
      }
      let body = NO_BODY;
      if (found.route.json) {
        const parsed = await readJsonBody(req, options.bodyLimit, found.route.json === 'or-empty');
        if (parsed === 'too_large') return options.bodyTooLarge(res);
        if (parsed === undefined) return options.badJson(res);
        body = parsed;
      }
      return found.route.handler({ req, res, path, params: found.params, context, body });
    },
  };
  return router;
}

/** The params of `parts` under `route`, or undefined when it does not match. */
function matchRoute<C>(route: Route<C>, parts: readonly string[]): Record<string, string> | undefined {
  const { segments } = route;
  if (route.rest ? parts.length <= segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed percent-encoding names no resource
      }
    } else if (segment !== part) return undefined;
  }
  if (route.rest) params['*'] = `/${parts.slice(segments.length).join('/')}`;
  return params;
}

/**
 * The request's JSON object body ({} for an empty one when `emptyIsObject`); 'too_large' over
 * `limit` bytes; undefined when not a JSON object.
 */
async function readJsonBody(
  req: IncomingMessage,
  limit: number,
  emptyIsObject: boolean,
): Promise<Record<string, unknown> | 'too_large' | undefined> {
  try {
    const text = await readBody(req, limit);
    return text === '' && emptyIsObject ? {} : parseJsonObject(text);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return 'too_large';
    throw error;
  }
}

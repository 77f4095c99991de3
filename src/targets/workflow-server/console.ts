/**
 * The console API subset that sets up a load test (`serve workflow --console-password P`): first-run
 * setup, login as Dify 1.13 does it (the password base64-encoded; access, refresh and CSRF cookies;
 * every authenticated call, GET included, needs `X-CSRF-Token`) or, with `legacyLogin`, as older
 * Dify did (plain password, tokens in the login body, Bearer), DSL imports, publish, app API keys, OpenAI-compatible provider
 * credentials and marketplace plugin installs (answered as already installed). It lets
 * `streamload setup` be tested end to end. Everything lives in memory for the server's lifetime.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { bearerToken } from '../../util/bearer.ts';
import { cookieHeader, parseCookieHeader } from '../../util/cookies.ts';
import { sendJson } from '../../util/http-server.ts';
import { createRouter, type RouteCall } from '../shared/router.ts';
import type { App } from './app.ts';
import { DslError, parseDsl } from './dsl.ts';
import { createLlmClient, type LlmClient } from './llm-client.ts';
import { difyError, difyRefusals, NOT_FOUND } from './responses.ts';

/** The DSL version this server speaks; a newer file's import waits for a confirm, as in Dify. */
export const CONSOLE_DSL_VERSION = '0.4.0';
/** Dify caps the keys of one app (`apps/<id>/api-keys`); the same cap here keeps clients honest. */
const MAX_KEYS_PER_APP = 10;
/** The model provider the reference server stands in for is always "installed". */
const BUILTIN_PLUGINS = ['langgenius/openai'];
const BODY_LIMIT = 4 * 1024 * 1024;

type Call = RouteCall<true | undefined>;

interface ConsoleApp {
  readonly id: string;
  app: App;
  published: boolean;
  readonly keys: { id: string; token: string; created_at: number }[];
  readonly createdAt: number;
}

interface PendingImport {
  readonly id: string;
  readonly yaml: string;
  readonly appId: string | undefined;
}

export interface ConsoleOptions {
  /** The admin password `POST /setup` must use: only whoever started the server can claim it. */
  readonly password: string;
  /**
   * Log in as Dify before 1.11 did: the password plain, the tokens in the login body, sent back as
   * `Authorization: Bearer` without CSRF. Off: Dify 1.13 (base64 password, cookies, CSRF on every call).
   */
  readonly legacyLogin?: boolean;
}

export interface ConsoleApi {
  /** Answers one request under `/console/api`. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The app behind a Service API key made here, the LLM its provider credentials name, and whether it is published. */
  appForKey(token: string): { app: App; llm: LlmClient | undefined; published: boolean } | undefined;
  close(): Promise<void>;
}

const seconds = () => Math.floor(Date.now() / 1000);

/** The CSRF "token" of a legacy (Bearer) session: none is checked. */
const LEGACY = Symbol('legacy session');

/**
 * The login password as Dify 1.13 reads it (`libs/encryption.py`): base64 of UTF-8 text, or
 * undefined, which Dify answers with `Invalid encrypted data`.
 */
function decodeBase64Password(field: unknown): string | undefined {
  if (typeof field !== 'string' || field.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(field))
    return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(field, 'base64'));
  } catch {
    return undefined;
  }
}

function newer(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return false;
}

export function createConsoleApi(options: ConsoleOptions): ConsoleApi {
  let admin: { id: string; email: string; name: string; password: string; setupAt: number } | undefined;
  /** access token → CSRF token of that session. */
  const sessions = new Map<string, string | typeof LEGACY>();
  const apps = new Map<string, ConsoleApp>();
  const keys = new Map<string, ConsoleApp>();
  const pending = new Map<string, PendingImport>();
  const plugins = new Set(BUILTIN_PLUGINS);
  let credentials: { base: string; key: string; llm: LlmClient } | undefined;

  function appJson(entry: ConsoleApp) {
    return {
      id: entry.id,
      name: entry.app.name,
      description: entry.app.description,
      mode: entry.app.mode,
      created_at: entry.createdAt,
      workflow: entry.published ? { id: `wf-${entry.app.name}` } : null,
    };
  }

  /** Imports DSL text: a new app, or over `appId`. Answers Dify's import body. */
  function importDsl(res: ServerResponse, importId: string, yaml: string, appId: string | undefined) {
    let app: App;
    try {
      app = parseDsl(yaml, 'DSL');
    } catch (error) {
      if (!(error instanceof DslError)) throw error;
      const message = error.message.replace(/^DSL:(\d+): /, 'line $1: ');
      return sendJson(res, 400, { id: importId, status: 'failed', app_id: null, error: message });
    }
    let entry = appId === undefined ? undefined : apps.get(appId);
    if (appId !== undefined && entry === undefined)
      return difyError(res, 404, 'app_not_found', `App ${appId} not found.`);
    if (entry === undefined) {
      entry = { id: randomUUID(), app, published: false, keys: [], createdAt: seconds() };
      apps.set(entry.id, entry);
    } else {
      // Dify: importing over an app replaces its draft; the published version stays until the next publish.
      entry.app = app;
      entry.published = false;
    }
    sendJson(res, 200, {
      id: importId,
      status: 'completed',
      app_id: entry.id,
      app_mode: app.mode,
      current_dsl_version: CONSOLE_DSL_VERSION,
      imported_dsl_version: String((parseYaml(yaml) as { version?: unknown })?.version ?? ''),
      error: '',
    });
  }

  /**
   * The session of a request, or undefined after answering Dify 1.13's 401s: no credentials
   * `Invalid Authorization token.`, an unknown token `Invalid token.`, and, for every method, a
   * CSRF header that is missing or differs from the csrf_token cookie (Bearer alone included).
   * The legacy session is a Bearer token with no CSRF at all.
   */
  function authorized(req: IncomingMessage, res: ServerResponse): true | undefined {
    const cookies = parseCookieHeader(req.headers.cookie);
    const token = cookies.access_token ?? bearerToken(req);
    if (token === undefined) {
      difyError(res, 401, 'unauthorized', 'Invalid Authorization token.');
      return undefined;
    }
    const csrf = sessions.get(token);
    if (csrf === undefined) {
      difyError(res, 401, 'unauthorized', 'Invalid token.');
      return undefined;
    }
    if (csrf !== LEGACY && (req.headers['x-csrf-token'] !== csrf || cookies.csrf_token !== csrf)) {
      difyError(res, 401, 'unauthorized', 'CSRF token is missing or invalid.');
      return undefined;
    }
    return true;
  }

  function setupState({ res }: Call) {
    sendJson(
      res,
      200,
      admin === undefined ? { step: 'not_started' } : { step: 'finished', setup_at: admin.setupAt },
    );
  }

  function setup({ res, body }: Call) {
    if (admin !== undefined)
      return difyError(res, 403, 'already_setup', 'Dify has been successfully installed.');
    if (typeof body.email !== 'string' || typeof body.name !== 'string' || typeof body.password !== 'string')
      return difyError(res, 400, 'invalid_param', 'email, name and password are required.');
    if (body.password !== options.password)
      return difyError(res, 400, 'invalid_param', "password must be the server's --console-password");
    admin = {
      id: randomUUID(),
      email: body.email,
      name: body.name,
      password: body.password,
      setupAt: seconds(),
    };
    sendJson(res, 201, { result: 'success' });
  }

  function login({ res, body }: Call) {
    if (admin === undefined) return difyError(res, 401, 'not_setup', 'Dify has not been set up yet.');
    const password = options.legacyLogin ? body.password : decodeBase64Password(body.password);
    if (password === undefined) return difyError(res, 401, 'authentication_failed', 'Invalid encrypted data');
    if (body.email !== admin.email || password !== admin.password)
      return difyError(res, 401, 'authentication_failed', 'Invalid email or password.');
    const access = randomBytes(24).toString('hex');
    if (options.legacyLogin) {
      sessions.set(access, LEGACY);
      return sendJson(res, 200, {
        result: 'success',
        data: { access_token: access, refresh_token: randomBytes(24).toString('hex') },
      });
    }
    const csrf = randomBytes(24).toString('hex');
    sessions.set(access, csrf);
    const attrs = 'Path=/; SameSite=Lax';
    res.setHeader('set-cookie', [
      `${cookieHeader({ access_token: access })}; HttpOnly; ${attrs}`,
      `${cookieHeader({ refresh_token: randomBytes(24).toString('hex') })}; HttpOnly; ${attrs}`,
      `${cookieHeader({ csrf_token: csrf })}; ${attrs}`,
    ]);
    sendJson(res, 200, { result: 'success' });
  }

  function startImport({ res, body }: Call) {
    if (body.mode !== 'yaml-content' || typeof body.yaml_content !== 'string')
      return difyError(res, 400, 'invalid_param', 'mode yaml-content with yaml_content is required.');
    const appId = typeof body.app_id === 'string' ? body.app_id : undefined;
    const importId = randomUUID();
    const version = String((parseYaml(body.yaml_content) as { version?: unknown } | null)?.version ?? '');
    if (newer(version, CONSOLE_DSL_VERSION)) {
      pending.set(importId, { id: importId, yaml: body.yaml_content, appId });
      return sendJson(res, 202, {
        id: importId,
        status: 'pending',
        app_id: null,
        current_dsl_version: CONSOLE_DSL_VERSION,
        imported_dsl_version: version,
        error: '',
      });
    }
    importDsl(res, importId, body.yaml_content, appId);
  }

  function confirmImport({ res, params }: Call) {
    const waiting = pending.get(params.id as string);
    if (waiting === undefined) return difyError(res, 404, 'not_found', 'Import not found.');
    pending.delete(waiting.id);
    importDsl(res, waiting.id, waiting.yaml, waiting.appId);
  }

  /** A route on one app (`/apps/:id/…`): 404 app_not_found for an unknown id. */
  const onApp =
    (answer: (res: ServerResponse, entry: ConsoleApp) => void) =>
    ({ res, params }: Call) => {
      const entry = apps.get(params.id as string);
      if (entry === undefined) return difyError(res, 404, 'app_not_found', 'App not found.');
      answer(res, entry);
    };

  function createKey(res: ServerResponse, entry: ConsoleApp) {
    if (entry.keys.length >= MAX_KEYS_PER_APP)
      return difyError(
        res,
        400,
        'max_keys_exceeded',
        `Cannot create more than ${MAX_KEYS_PER_APP} API keys.`,
      );
    const key = {
      id: randomUUID(),
      type: 'app',
      token: `app-${randomBytes(12).toString('hex')}`,
      last_used_at: null,
      created_at: seconds(),
    };
    entry.keys.push(key);
    keys.set(key.token, entry);
    sendJson(res, 201, key);
  }

  /** `…/model-providers/<provider>/credentials`: the provider name has slashes (`langgenius/openai/openai`). */
  function providerCredentials({ req, res, params, body }: Call) {
    if (!(params['*'] as string).endsWith('/credentials')) return difyError(res, 404, 'not_found', NOT_FOUND);
    if (req.method === 'GET')
      return sendJson(res, 200, {
        credentials:
          credentials === undefined
            ? null
            : { openai_api_base: credentials.base, openai_api_key: `${credentials.key.slice(0, 2)}******` },
      });
    const given = (body.credentials ?? {}) as Record<string, unknown>;
    if (req.method !== 'POST' || typeof given.openai_api_base !== 'string' || given.openai_api_base === '')
      return difyError(res, 400, 'invalid_param', 'credentials.openai_api_base is required.');
    const base = given.openai_api_base.replace(/\/+$/, '').replace(/\/v1$/, '');
    const key = typeof given.openai_api_key === 'string' ? given.openai_api_key : '';
    const previous = credentials;
    credentials = { base: given.openai_api_base, key, llm: createLlmClient(base, key || undefined) };
    void previous?.llm.close().catch(() => {});
    sendJson(res, 201, { result: 'success' });
  }

  function installPlugins({ res, body }: Call) {
    const ids = Array.isArray(body.plugin_unique_identifiers) ? body.plugin_unique_identifiers : [];
    for (const id of ids) plugins.add(String(id).split(':')[0] as string);
    sendJson(res, 200, { all_installed: true, task_id: '' });
  }

  const json = { json: 'or-empty' } as const;
  const open = { json: 'or-empty', open: true } as const;
  const router = createRouter<true>({ ...difyRefusals(BODY_LIMIT), guard: authorized })
    .route('GET', '/console/api/setup', setupState, { open: true })
    .route('POST', '/console/api/setup', setup, open)
    .route('POST', '/console/api/login', login, open)
    .route('POST', '/console/api/apps/imports', startImport, json)
    .route('POST', '/console/api/apps/imports/:id/confirm', confirmImport, json)
    .route('GET', '/console/api/apps/imports/:id/check-dependencies', ({ res }) =>
      sendJson(res, 200, { leaked_dependencies: [] }),
    )
    .route('GET', '/console/api/apps', ({ res }) => {
      const data = [...apps.values()].map(appJson);
      sendJson(res, 200, { page: 1, limit: data.length, total: data.length, has_more: false, data });
    })
    .route(
      'GET',
      '/console/api/apps/:id',
      onApp((res, entry) => sendJson(res, 200, appJson(entry))),
    )
    .route(
      'POST',
      '/console/api/apps/:id/workflows/publish',
      onApp((res, entry) => {
        entry.published = true;
        // Dify 1.13 answers 200 here (not 201).
        sendJson(res, 200, { result: 'success', created_at: seconds() });
      }),
      json,
    )
    .route(
      'GET',
      '/console/api/apps/:id/api-keys',
      onApp((res, entry) => sendJson(res, 200, { data: entry.keys })),
    )
    .route('POST', '/console/api/apps/:id/api-keys', onApp(createKey), json)
    .route('*', '/console/api/workspaces/current/model-providers/*', providerCredentials, json)
    .route('GET', '/console/api/workspaces/current/plugin/list', ({ res }) =>
      sendJson(res, 200, {
        plugins: [...plugins].map((id) => ({ plugin_id: id, plugin_unique_identifier: id, name: id })),
        total: plugins.size,
      }),
    )
    .route('POST', '/console/api/workspaces/current/plugin/install/marketplace', installPlugins, json)
    .route('GET', '/console/api/workspaces/current/plugin/tasks/:id', ({ res, params }) =>
      sendJson(res, 200, { task: { id: params.id, status: 'success', plugins: [] } }),
    );

  return {
    handle: (req, res) => router.handle(req, res),
    appForKey(token) {
      const entry = keys.get(token);
      return entry === undefined
        ? undefined
        : { app: entry.app, llm: credentials?.llm, published: entry.published };
    },
    async close() {
      await credentials?.llm.close().catch(() => {});
    },
  };
}

/** Dify-shaped answers shared by the Service API and console routes: error bodies, refusals, `GET /v1/parameters`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Refusals } from '../shared/router.ts';
import { type App, startVariables } from './app.ts';
import { pythonJson } from './dify-json.ts';

/** The Dify release whose answers this server copies (its recorded bytes are in test/fixtures/dify-1.13/). */
export const DIFY_VERSION = '1.13.2';

/**
 * The headers Dify 1.13 puts on every answer; the Service API (`/v1`) also allows any origin.
 * Set before routing, so every answer (errors and refusals included) carries them.
 */
export function setDifyHeaders(req: IncomingMessage, res: ServerResponse): void {
  if (req.url?.startsWith('/v1/') === true) {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'X-Env, X-Trace-Id, X-Version');
  }
  res.setHeader('x-version', DIFY_VERSION);
  res.setHeader('x-env', 'PRODUCTION');
  res.setHeader('vary', 'Cookie');
}

/**
 * A Flask-RESTx answer as Dify writes it: Python's JSON separators, a final newline, plain
 * `application/json` (errors, `/v1/parameters`, `/v1/info`, console answers).
 */
export function sendRestx(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${pythonJson(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A blocking run's answer as Dify writes it: Python's separators, `charset=utf-8`, no final newline. */
export function sendBlocking(res: ServerResponse, body: unknown): void {
  const text = pythonJson(body);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Dify's error body `{code, message, status}` (401 adds its WWW-Authenticate). */
export function difyError(res: ServerResponse, status: number, code: string, message: string): void {
  sendRestx(
    res,
    status,
    { code, message, status },
    status === 401 ? { 'www-authenticate': 'Bearer realm="api"' } : {},
  );
}

export const NOT_FOUND = 'The requested URL was not found on the server.';

/** Dify's (Flask's) answers for a URL or method it does not serve, and for a bad or large body. */
export function difyRefusals(bodyLimit: number): Refusals {
  return {
    bodyLimit,
    notFound: (_req, res) => difyError(res, 404, 'not_found', NOT_FOUND),
    methodNotAllowed: (req, res) =>
      difyError(
        res,
        405,
        'method_not_allowed',
        `The method ${req.method} is not allowed for the requested URL.`,
      ),
    bodyTooLarge: (res) => difyError(res, 413, 'request_entity_too_large', 'Request body too large.'),
    badJson: (res) =>
      difyError(res, 400, 'bad_request', 'Invalid JSON payload received or JSON payload is empty.'),
  };
}

/** `GET /v1/parameters`: the app's input form, every feature off. */
export function parametersOf(app: App) {
  const off = { enabled: false };
  return {
    opening_statement: '',
    suggested_questions: [],
    suggested_questions_after_answer: off,
    speech_to_text: off,
    text_to_speech: off,
    retriever_resource: off,
    annotation_reply: off,
    more_like_this: off,
    sensitive_word_avoidance: off,
    file_upload: off,
    system_parameters: {
      file_size_limit: 15,
      image_file_size_limit: 10,
      audio_file_size_limit: 50,
      video_file_size_limit: 100,
      workflow_file_upload_limit: 10,
    },
    user_input_form: startVariables(app).map((v) => ({
      [v.type]: {
        variable: v.variable,
        label: v.label,
        type: v.type,
        required: v.required,
        max_length: v.maxLength,
        options: v.options,
      },
    })),
  };
}

/** One DSL app, from file to a working key: import (or reuse), publish, API key, `GET /v1/parameters`. */
import { type Dispatcher, request } from 'undici';
import { bearerHeader } from '../util/bearer.ts';
import {
  type ConsoleClient,
  type ConsoleResponse,
  describeFailure,
  SetupError,
  unreachable,
} from './console-client.ts';
import type { DslFile } from './dsl-file.ts';
import type { Progress } from './progress.ts';
import type { SavedApp } from './saved-config.ts';
import { checkDependencies } from './workspace.ts';

/** Modes whose draft must be published before the Service API runs them. */
const PUBLISHED_MODES = new Set(['workflow', 'advanced-chat']);

/** The streamload protocol that speaks an app mode's Service API. */
export function protocolFor(mode: string): 'workflow' | 'chat' | undefined {
  if (mode === 'workflow') return 'workflow';
  if (mode === 'advanced-chat' || mode === 'chat' || mode === 'agent-chat') return 'chat';
  return undefined;
}

const short = (id: string) => `${id.slice(0, 8)}…`;

export interface AppStepOptions {
  /** Confirm an import Dify holds as pending (a DSL newer than the server). */
  readonly yes: boolean;
  /** Use a key the app already has rather than creating one. */
  readonly reuseKey: boolean;
  /** Service API origin, for the key check. */
  readonly target: string;
  /** How the Service API is reached (proxy, TLS): the console client's dispatcher. */
  readonly dispatcher: Dispatcher;
}

async function importDsl(client: ConsoleClient, dsl: DslFile, overAppId: string | undefined, yes: boolean) {
  let answer: ConsoleResponse = await client.call('POST', '/apps/imports', {
    mode: 'yaml-content',
    yaml_content: dsl.text,
    ...(overAppId === undefined ? {} : { app_id: overAppId }),
  });
  if (answer.body?.status === 'pending') {
    if (!yes)
      throw new SetupError(
        `import of ${dsl.file} waits for a confirm: its DSL version ${answer.body.imported_dsl_version} differs from this Dify's ${answer.body.current_dsl_version}; re-run with --yes to import it anyway`,
      );
    answer = await client.call('POST', `/apps/imports/${encodeURIComponent(answer.body.id)}/confirm`);
  }
  const status = answer.body?.status;
  if (status !== 'completed' && status !== 'completed-with-warnings') {
    const error = answer.body?.error;
    throw new SetupError(
      `import failed (${dsl.file}): ${typeof error === 'string' && error !== '' ? error : describeFailure(answer)}`,
    );
  }
  return answer.body as { app_id: string; app_mode?: string; status: string; imported_dsl_version?: string };
}

/**
 * `record` is called with what exists in Dify so far (after the import, after the publish), before
 * the next step can fail: a re-run finds the app in the saved file and reuses it, never importing
 * a second copy.
 */
export async function setupApp(
  client: ConsoleClient,
  dsl: DslFile,
  previous: SavedApp | undefined,
  options: AppStepOptions,
  progress: Progress,
  record: (made: SavedApp) => void,
): Promise<SavedApp> {
  if (protocolFor(dsl.mode) === undefined)
    throw new SetupError(
      `${dsl.file}: app.mode "${dsl.mode}" has no streamload protocol (workflow, advanced-chat, chat, agent-chat)`,
    );
  const existing =
    previous === undefined
      ? undefined
      : await client.call('GET', `/apps/${encodeURIComponent(previous.appId)}`);
  // Only a 404 says the saved app is gone: any other failure must not lead to a second import.
  if (existing !== undefined && existing.status !== 200 && existing.status !== 404)
    throw new SetupError(
      `cannot check the saved app ${dsl.name} (${short(previous?.appId ?? '')}): GET /apps/{id} → ${describeFailure(existing)}`,
    );
  const kept = previous !== undefined && existing?.status === 200;
  let appId: string;
  let mode = dsl.mode;
  let published = kept && previous.published;
  if (kept && previous.sha256 === dsl.sha256) {
    appId = previous.appId;
    progress.kept(`${dsl.name} already imported (app ${short(appId)}, ${dsl.file} unchanged)`);
  } else {
    await checkDependencies(client, dsl);
    const imported = await importDsl(client, dsl, kept ? previous.appId : undefined, options.yes);
    appId = imported.app_id;
    mode = imported.app_mode ?? dsl.mode;
    published = false;
    const warned =
      imported.status === 'completed-with-warnings' ? ', with warnings: check it in the console' : '';
    progress.changed(
      kept
        ? `re-imported ${dsl.name} over app ${short(appId)} (${dsl.file} changed${warned})`
        : `imported ${dsl.name} (app ${short(appId)}, ${mode}, dsl ${imported.imported_dsl_version ?? dsl.version}${warned})`,
    );
  }
  // What the file knew stays with the app it belongs to (a re-import keeps the app id and its keys).
  const same = previous?.appId === appId ? previous : undefined;
  const made = (
    key: { id: string | undefined; token: string } | undefined,
    inputs: SavedApp['inputs'],
  ): SavedApp => ({
    ...(inputs === undefined ? {} : { inputs }),
    dsl: dsl.file,
    sha256: dsl.sha256,
    appId,
    name: dsl.name,
    mode,
    published,
    ...(key === undefined ? {} : { keyId: key.id, apiKey: key.token }),
  });
  const sofar = () =>
    made(same?.apiKey === undefined ? undefined : { id: same.keyId, token: same.apiKey }, same?.inputs);
  record(sofar());
  if (PUBLISHED_MODES.has(mode)) {
    if (published) progress.kept(`${dsl.name} already published`);
    else {
      const answer = await client.call('POST', `/apps/${encodeURIComponent(appId)}/workflows/publish`, {
        marked_name: '',
        marked_comment: '',
      });
      if (answer.status !== 200 && answer.status !== 201)
        throw new SetupError(`publish failed (${dsl.name}): ${describeFailure(answer)}`);
      published = true;
      progress.changed(`published ${dsl.name}`);
      record(sofar());
    }
  }
  const key = await ensureKey(client, appId, dsl.name, previous, options.reuseKey, progress);
  const parameters = await checkKey(options.target, key.token, dsl.name, progress, options.dispatcher);
  const inputs = placeholderInputs(parameters, protocolFor(mode) ?? 'workflow');
  const names = Object.keys(inputs);
  if (names.length > 0)
    progress.warn(
      `${dsl.name} requires input${names.length > 1 ? 's' : ''} ${names.join(', ')}: the saved config gives placeholder values (edit its inputs:)`,
    );
  return made(key, names.length > 0 ? inputs : undefined);
}

async function ensureKey(
  client: ConsoleClient,
  appId: string,
  name: string,
  previous: SavedApp | undefined,
  reuseKey: boolean,
  progress: Progress,
): Promise<{ id: string; token: string }> {
  const path = `/apps/${encodeURIComponent(appId)}/api-keys`;
  const listed = await client.call('GET', path);
  if (listed.status !== 200)
    throw new SetupError(`cannot list API keys of ${name}: ${describeFailure(listed)}`);
  const keys = (Array.isArray(listed.body?.data) ? listed.body.data : []) as { id: string; token: string }[];
  const ours = keys.find((k) => previous?.apiKey !== undefined && k.token === previous.apiKey);
  if (ours !== undefined) {
    progress.kept(`API key of ${name} kept (key id ${short(ours.id)})`);
    return ours;
  }
  const any = keys[0];
  if (reuseKey && any !== undefined) {
    progress.changed(`reusing an existing API key of ${name} (key id ${short(any.id)})`);
    return any;
  }
  const created = await client.call('POST', path);
  if ((created.status !== 200 && created.status !== 201) || typeof created.body?.token !== 'string')
    throw new SetupError(
      `API key creation failed (${name}): ${describeFailure(created)}${keys.length > 0 ? ' (the app has keys already: --reuse-key uses one)' : ''}`,
    );
  progress.changed(`created an API key for ${name} (key id ${short(String(created.body.id))})`);
  return { id: String(created.body.id), token: created.body.token };
}

/**
 * Values for the app's required Start variables that the protocol does not fill itself (the
 * workflow protocol sends the question as `question` and `query`), so the first run is not all 400s.
 */
export function placeholderInputs(
  // biome-ignore lint/suspicious/noExplicitAny: /v1/parameters is untyped JSON, read field by field.
  parameters: Record<string, any>,
  protocol: 'workflow' | 'chat',
): Record<string, string | number> {
  const inputs: Record<string, string | number> = {};
  const form: unknown[] = Array.isArray(parameters.user_input_form) ? parameters.user_input_form : [];
  for (const entry of form) {
    const [type, field] = Object.entries(entry as object)[0] ?? [];
    const spec = field as { variable?: unknown; required?: unknown; options?: unknown } | undefined;
    if (typeof spec?.variable !== 'string' || spec.required !== true) continue;
    if (protocol === 'workflow' && (spec.variable === 'question' || spec.variable === 'query')) continue;
    const options = Array.isArray(spec.options) ? spec.options : [];
    inputs[spec.variable] =
      type === 'number' ? 1 : type === 'select' && typeof options[0] === 'string' ? options[0] : 'streamload';
  }
  return inputs;
}

/** `GET /v1/parameters` with the key: the cheapest proof that key, app and publish all took. */
export async function checkKey(
  target: string,
  key: string,
  name: string,
  progress: Progress,
  dispatcher: Dispatcher,
  // biome-ignore lint/suspicious/noExplicitAny: /v1/parameters is untyped JSON, read field by field.
): Promise<Record<string, any>> {
  let status: number;
  let text: string;
  try {
    const res = await request(`${target}/v1/parameters`, {
      headers: bearerHeader(key),
      dispatcher,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    throw unreachable('the Service API', target, error, 'is --target right?');
  }
  if (status !== 200) {
    let reason = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { code?: string; message?: string };
      reason = `${body.code ?? ''}: ${body.message ?? ''}`;
    } catch {
      // not JSON (a proxy page): the text itself is the reason
    }
    throw new SetupError(`key check failed for ${name}: GET ${target}/v1/parameters → ${status} ${reason}`);
  }
  progress.kept(`key of ${name} works (GET /v1/parameters → 200)`);
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

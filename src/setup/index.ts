/**
 * `streamload setup`: from a bare Dify to a saved, checked load-test config. Each step prints one
 * line and reuses what a previous run made (recorded in the saved file), so re-running is safe; the
 * first failure throws a SetupError whose message is the one line to act on.
 */
import { relative, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { ensureAdmin, login } from './account.ts';
import { checkKey, protocolFor, setupApp } from './app-steps.ts';
import { createConsoleClient, SetupError } from './console-client.ts';
import { readDslFile } from './dsl-file.ts';
import { createProgress } from './progress.ts';
import { readSaved, type SavedApp, type SavedSetup, writeSaved } from './saved-config.ts';
import { configureLlm, installPlugin } from './workspace.ts';

export { SetupError } from './console-client.ts';

export interface SetupOptions {
  /** Console origin (`/console/api` is appended). */
  readonly console: string;
  /** Service API origin (`/v1/...` is appended). */
  readonly target: string;
  readonly email: string;
  readonly password: string;
  readonly initAdmin?: string;
  readonly dsl: readonly string[];
  readonly yes: boolean;
  readonly reuseKey: boolean;
  readonly llmBaseUrl?: string;
  readonly llmApiKey?: string;
  readonly installPlugins: readonly string[];
  /** The config file to write (and to read what a previous setup made). */
  readonly save: string;
  readonly cwd: string;
  /** Carries every request setup makes (console, key checks): `run`'s proxy and TLS options. */
  readonly dispatcher: Dispatcher;
}

export async function runSetup(options: SetupOptions, write: (line: string) => void): Promise<void> {
  const progress = createProgress(write);
  const savePath = resolve(options.cwd, options.save);
  const previous = readSaved(savePath);
  // Read every DSL first: a missing file fails before anything changes in Dify.
  const dsls = options.dsl.map((file) => readDslFile(resolve(options.cwd, file)));
  const client = createConsoleClient(options.console, options.dispatcher);
  await ensureAdmin(client, { ...options, initAdmin: options.initAdmin }, progress);
  await login(client, options, progress);
  for (const identifier of options.installPlugins) await installPlugin(client, identifier, progress);
  if (options.llmBaseUrl !== undefined)
    await configureLlm(client, { baseUrl: options.llmBaseUrl, apiKey: options.llmApiKey }, progress);

  // Apps recorded before and not named again stay in the file (and in Dify): setup never deletes.
  const apps: SavedApp[] = [...(previous?.setup.apps ?? [])];
  let wrote = false;
  const save = () => {
    const first = apps[0];
    if (first === undefined) return;
    // A value the user edited in the file survives a re-run; placeholders fill the rest.
    const edited = previous?.inputs ?? {};
    const inputs = Object.fromEntries(
      Object.entries(first.inputs ?? {}).map(([name, value]) => [name, edited[name] ?? value]),
    );
    const saved: SavedSetup = {
      target: options.target,
      protocol: protocolFor(first.mode) ?? 'workflow',
      ...(first.apiKey === undefined ? {} : { apiKey: first.apiKey }),
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
      setup: {
        console: options.console,
        email: options.email,
        ...(options.llmBaseUrl === undefined ? {} : { llmBaseUrl: options.llmBaseUrl }),
        apps,
      },
    };
    if (writeSaved(savePath, saved)) wrote = true;
  };
  for (const dsl of dsls) {
    const label = relative(options.cwd, dsl.file) || dsl.file;
    const index = apps.findIndex((a) => a.dsl === label);
    const slot = index < 0 ? apps.length : index;
    // Saved after every step that made something in Dify: a failure later never loses it, and a
    // re-run reuses it instead of importing a second copy.
    const record = (made: SavedApp) => {
      apps[slot] = made;
      save();
    };
    record(
      await setupApp(
        client,
        { ...dsl, file: label },
        index < 0 ? undefined : apps[index],
        {
          yes: options.yes,
          reuseKey: options.reuseKey,
          target: options.target,
          dispatcher: options.dispatcher,
        },
        progress,
        record,
      ),
    );
  }
  const shown = relative(options.cwd, savePath) || savePath;
  if (apps.length === 0) {
    progress.warn(`no --dsl given and nothing saved before: ${shown} not written`);
    return;
  }
  save();
  if (wrote)
    progress.changed(
      `saved ${shown} (target, protocol ${protocolFor(apps[0]?.mode ?? '')}, API keys, app ids; mode 0600)`,
    );
  else progress.kept(`${shown} already up to date`);
  write(
    progress.anyChange
      ? `ready: \`streamload run\` in this folder load-tests ${apps[0]?.name}\n`
      : `nothing changed: everything was already set up (\`streamload run\` in this folder load-tests ${apps[0]?.name})\n`,
  );
}

/** `setup --check`: every saved app's key still answers `GET /v1/parameters`. */
export async function runSetupCheck(
  options: { save: string; cwd: string; target?: string; dispatcher: Dispatcher },
  write: (line: string) => void,
): Promise<void> {
  const progress = createProgress(write);
  const savePath = resolve(options.cwd, options.save);
  const saved = readSaved(savePath);
  if (saved === undefined)
    throw new SetupError(
      `${options.save} not found: run \`streamload setup --dsl FILE …\` first (or --save FILE)`,
    );
  const target = options.target ?? saved.target;
  for (const app of saved.setup.apps) {
    if (app.apiKey === undefined)
      throw new SetupError(`${options.save}: app ${app.name} has no API key: re-run setup`);
    await checkKey(target, app.apiKey, app.name, progress, options.dispatcher);
  }
  write(`${options.save} is valid: ${saved.setup.apps.length} app(s) answer on ${target}\n`);
}

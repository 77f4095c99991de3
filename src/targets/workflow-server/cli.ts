/** `streamload serve workflow` once its options are resolved (cli/commands/serve.ts reads them). */
import type { ValuesOf } from '../../config/option.ts';
import { UsageError } from '../../errors.ts';
import { capacityOptions } from '../mock-llm/cli.ts';
import type { ServeIo } from '../shared/serve-until-signal.ts';
import type { App } from './app.ts';
import type { DslOptions } from './nodes/types.ts';
import type { SERVE_WORKFLOW_OPTIONS } from './serve-options.ts';

export type ServeWorkflowOptions = ValuesOf<typeof SERVE_WORKFLOW_OPTIONS>;

/** Serves until a stop signal (or the parent's channel closes). */
export async function serveWorkflow(flags: ServeWorkflowOptions, io: ServeIo): Promise<void> {
  if (flags.consoleLegacyLogin && flags.consolePassword === null)
    throw new UsageError('--console-legacy-login: needs --console-password (the console is off without it)');
  const { hasPython } = await import('./nodes/python.ts');
  if (flags.python && !hasPython()) throw new UsageError('--python: no python3 found on PATH');
  const { apps, warnings } = await loadApps(flags.app, { python: flags.python });
  const { startWorkflowServer } = await import('./server.ts');
  const { DEFAULT_HTTP_POLICY } = await import('./nodes/http-request.ts');
  const { startMockLlm } = await import('../mock-llm/server.ts');
  const { serveUntilSignal } = await import('../shared/serve-until-signal.ts');
  const llm =
    flags.llmUrl === null
      ? await startMockLlm({
          port: 0,
          firstTokenMs: flags.firstTokenMs,
          interTokenMs: flags.interTokenMs,
          tokens: flags.tokens,
          ...capacityOptions(flags),
        })
      : undefined;
  // The mock LLM is already listening: a failed start (port in use) must close it, or this
  // process would never exit.
  const server = await startWorkflowServer({
    port: flags.port,
    host: flags.host,
    llmUrl: flags.llmUrl ?? (llm?.url as string),
    ...(flags.llmApiKey === null ? {} : { llmApiKey: flags.llmApiKey }),
    apps,
    pingIntervalMs: flags.pingInterval,
    ...(flags.consolePassword === null
      ? {}
      : { console: { password: flags.consolePassword, legacyLogin: flags.consoleLegacyLogin } }),
    http: {
      ...DEFAULT_HTTP_POLICY,
      allow: flags.httpAllow.map((h) => h.toLowerCase()),
      mockBody: flags.httpMockBody,
    },
    retrievalMs: flags.retrievalMs,
  }).catch(async (error: unknown) => {
    await llm?.close();
    throw error;
  });
  for (const warning of warnings) io.stdout.write(`warning: ${warning}\n`);
  io.stdout.write(
    `workflow server listening on ${server.url} (LLM: ${flags.llmUrl ?? `embedded mock at ${llm?.url}`})\n`,
  );
  if (flags.consolePassword !== null)
    io.stdout.write(
      `console API on ${server.url}/console/api (apps made through it last as long as this server)\n`,
    );
  await serveUntilSignal(async () => {
    await server.close();
    await llm?.close();
  }, io);
}

/** The built-in apps and the `--app` files; each load-time warning once, whatever file gave it. */
async function loadApps(
  specs: readonly string[],
  options: DslOptions,
): Promise<{ apps: Record<string, App>; warnings: string[] }> {
  const { BUILTIN_APPS } = await import('./builtin-apps.ts');
  const { DslError, readDslFile } = await import('./dsl.ts');
  const apps: Record<string, App> = { ...BUILTIN_APPS };
  const warnings = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new UsageError(`--app: expected KEY=FILE.yml, got "${spec}"`);
    try {
      const loaded = readDslFile(spec.slice(eq + 1), options);
      apps[spec.slice(0, eq)] = loaded.app;
      for (const [key, message] of loaded.warnings) warnings.set(key, message);
    } catch (error) {
      if (error instanceof DslError) throw new UsageError(error.message);
      throw error;
    }
  }
  return { apps, warnings: [...warnings.values()] };
}

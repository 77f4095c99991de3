import type { Command } from 'commander';
import {
  duration,
  nonNegativeInteger,
  nonNegativeNumber,
  port,
  positiveInteger,
} from '../../config/units.ts';
import { UsageError } from '../../errors.ts';
import { capacityOptions } from '../mock-llm/cli.ts';
import { parseTokenRange } from '../mock-llm/options.ts';
import type { ServeIo } from '../shared/serve-until-signal.ts';
import type { App } from './app.ts';
import type { DslOptions } from './nodes/types.ts';

interface ServeWorkflowFlags {
  port: number;
  host: string;
  llmUrl?: string;
  llmApiKey?: string;
  app: string[];
  firstTokenMs?: number;
  interTokenMs?: number;
  tokens?: string;
  pingInterval?: number;
  capacity?: number;
  maxQueue?: number;
  consolePassword?: string;
  python?: boolean;
  httpAllow: string[];
  httpMockBody?: string;
  retrievalMs?: number;
  consoleLegacyLogin?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `processIo` is called when the command runs: the entry point's view of the process (output, stop signals, parent). */
export function registerServeWorkflow(serve: Command, processIo: () => ServeIo): void {
  serve
    .command('workflow')
    .description('Dify-compatible Service API (workflow and chat apps) that runs its graphs against an LLM')
    .option('--port <n>', 'port to listen on (0 = any free port)', port('--port'), 5001)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option(
      '--llm-url <url>',
      'OpenAI-compatible LLM for LLM nodes (default: an embedded mock LLM in this process)',
    )
    .option('--llm-api-key <key>', 'Bearer key for --llm-url')
    .option(
      '--app <KEY=FILE.yml>',
      'serve a Dify DSL workflow file under API key KEY (repeatable)',
      collect,
      [],
    )
    .option(
      '--first-token-ms <ms>',
      'embedded mock LLM: delay before the first token',
      nonNegativeNumber('--first-token-ms'),
    )
    .option(
      '--inter-token-ms <ms>',
      'embedded mock LLM: delay between tokens',
      nonNegativeNumber('--inter-token-ms'),
    )
    .option('--tokens <n|a-b>', 'embedded mock LLM: output tokens per completion')
    .option(
      '--capacity <n>',
      'embedded mock LLM: generations at full speed (see serve llm --help)',
      positiveInteger('--capacity'),
    )
    .option(
      '--max-queue <m>',
      'embedded mock LLM: refuse beyond capacity + m generations',
      nonNegativeInteger('--max-queue'),
    )
    .option(
      '--ping-interval <dur>',
      'ping idle streams this often, e.g. 10s (Dify: 10s)',
      duration('--ping-interval'),
    )
    .option(
      '--console-password <password>',
      'also serve the Dify console API subset `streamload setup` drives (setup, login, imports, publish, keys); ' +
        'the first admin must use this password. Off by default',
    )
    .option('--python', 'run Python code nodes with python3 (default: typed placeholder outputs)')
    .option(
      '--http-allow <host[:port]>',
      'HTTP Request nodes really request this host too (repeatable; loopback always; others get the mock answer)',
      collect,
      [],
    )
    .option(
      '--http-mock-body <text>',
      'the answer body of HTTP Request nodes to hosts not allowed',
      '{"mock": true}',
    )
    .option(
      '--retrieval-ms <ms>',
      'latency of the mock knowledge retrieval (knowledge-retrieval nodes)',
      nonNegativeNumber('--retrieval-ms'),
    )
    .option(
      '--console-legacy-login',
      'the console logs in as Dify before 1.11: plain password, tokens in the login body, no CSRF ' +
        '(default: as Dify 1.13, base64 password, cookies, X-CSRF-Token on every call)',
    )
    .addHelpText(
      'after',
      '\nBuilt-in apps (API keys):\n' +
        '  app-empty  workflow Start → End (input: query)           blocking QPS of the server itself\n' +
        '  app-llm    workflow Start → LLM → End (input: question)  streams text_chunk events\n' +
        '  app-chat   chat app for /v1/chat-messages               streams message events\n' +
        'Apps made through the console (--console-password) live in memory as long as this server runs.\n' +
        'Counters: GET /_mock/stats.',
    )
    .action(async (flags: ServeWorkflowFlags) => {
      if (flags.consoleLegacyLogin === true && flags.consolePassword === undefined)
        throw new UsageError(
          '--console-legacy-login: needs --console-password (the console is off without it)',
        );
      const tokens = flags.tokens === undefined ? undefined : parseTokenRange(flags.tokens);
      if (flags.tokens !== undefined && tokens === undefined)
        throw new UsageError(`--tokens: expected N or A-B, got "${flags.tokens}"`);
      const { hasPython } = await import('./nodes/python.ts');
      if (flags.python === true && !hasPython()) throw new UsageError('--python: no python3 found on PATH');
      const { apps, warnings } = await loadApps(flags.app, { python: flags.python === true });
      const { startWorkflowServer } = await import('./server.ts');
      const { DEFAULT_HTTP_POLICY } = await import('./nodes/http-request.ts');
      const { startMockLlm } = await import('../mock-llm/server.ts');
      const { serveUntilSignal } = await import('../shared/serve-until-signal.ts');
      const io = processIo();
      const llm =
        flags.llmUrl === undefined
          ? await startMockLlm({
              port: 0,
              ...(flags.firstTokenMs === undefined ? {} : { firstTokenMs: flags.firstTokenMs }),
              ...(flags.interTokenMs === undefined ? {} : { interTokenMs: flags.interTokenMs }),
              ...(tokens === undefined ? {} : { tokens }),
              ...capacityOptions(flags),
            })
          : undefined;
      // The mock LLM is already listening: a failed start (port in use) must close it, or this
      // process would never exit.
      const server = await startWorkflowServer({
        port: flags.port,
        host: flags.host,
        llmUrl: flags.llmUrl ?? (llm?.url as string),
        ...(flags.llmApiKey === undefined ? {} : { llmApiKey: flags.llmApiKey }),
        apps,
        ...(flags.pingInterval === undefined ? {} : { pingIntervalMs: flags.pingInterval }),
        ...(flags.consolePassword === undefined
          ? {}
          : {
              console: {
                password: flags.consolePassword,
                legacyLogin: flags.consoleLegacyLogin === true,
              },
            }),
        http: {
          ...DEFAULT_HTTP_POLICY,
          allow: flags.httpAllow.map((h) => h.toLowerCase()),
          mockBody: flags.httpMockBody ?? DEFAULT_HTTP_POLICY.mockBody,
        },
        ...(flags.retrievalMs === undefined ? {} : { retrievalMs: flags.retrievalMs }),
      }).catch(async (error: unknown) => {
        await llm?.close();
        throw error;
      });
      for (const warning of warnings) io.stdout.write(`warning: ${warning}\n`);
      io.stdout.write(
        `workflow server listening on ${server.url} (LLM: ${flags.llmUrl ?? `embedded mock at ${llm?.url}`})\n`,
      );
      if (flags.consolePassword !== undefined)
        io.stdout.write(
          `console API on ${server.url}/console/api (apps made through it last as long as this server)\n`,
        );
      await serveUntilSignal(async () => {
        await server.close();
        await llm?.close();
      }, io);
    });
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

import type { Command } from 'commander';
import { optionsFromEnv } from '../../config/resolve-options.ts';
import { httpUrl } from '../../config/units.ts';
import { createTransport, type Transport, transportWarnings } from '../../engine/transport.ts';
import { REACH_OPTIONS } from '../../engine/transport-options.ts';
import { EXIT_OK, UsageError } from '../../errors.ts';
import type { GlobalState } from '../../global-state.ts';
import { resolveProxy, resolveTls } from '../../run-config/resolve.ts';
import type { CliContext } from '../context.ts';
import { addTransportOptions, typedFlags } from '../run-options.ts';

interface SetupFlags {
  console?: string;
  target?: string;
  email?: string;
  password?: string;
  initAdmin?: string;
  dsl: string[];
  yes?: boolean;
  reuseKey?: boolean;
  llmBaseUrl?: string;
  llmApiKey?: string;
  installPlugin: string[];
  save: string;
  check?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const DEFAULT_SAVE = 'streamload.yml';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('setup')
    .description(
      'Set up a Dify for a load test: admin, login, model provider, import + publish DSL apps, API keys',
    )
    .option('--console <url>', 'Dify console API origin (default: the --target origin)', httpUrl('--console'))
    .option(
      '--target <url>',
      'Service API origin the run will load (default: the --console origin)',
      httpUrl('--target'),
    )
    .option('--email <email>', 'admin email (or env STREAMLOAD_DIFY_EMAIL)')
    .option(
      '--password <password>',
      'admin password (or env STREAMLOAD_DIFY_PASSWORD, or a prompt on a terminal)',
    )
    .option('--init-admin <name>', 'on a fresh Dify, create the admin account (email, password, this name)')
    .option(
      '--dsl <file.yml>',
      'import this Dify DSL app, publish it, make its API key (repeatable)',
      collect,
      [],
    )
    .option('--yes', 'confirm an import Dify holds as pending (DSL version differs)')
    .option('--reuse-key', 'use a key the app already has instead of creating one')
    .option(
      '--llm-base-url <url>',
      'point the OpenAI model provider at this OpenAI-compatible server',
      httpUrl('--llm-base-url'),
    )
    .option(
      '--llm-api-key <key>',
      'its API key (or env STREAMLOAD_LLM_API_KEY; default: a placeholder, fine for the mock LLM)',
    )
    .option(
      '--install-plugin <id>',
      'install a marketplace plugin, e.g. langgenius/openai:0.2.5@… (repeatable)',
      collect,
      [],
    )
    .option('--save <file>', 'config file to write (run reads ./streamload.yml by itself)', DEFAULT_SAVE)
    .option('--check', 'only re-validate the saved config: every app key answers GET /v1/parameters');
  // The console and the Service API are reached as `run` reaches its target: same flags, same env.
  addTransportOptions(cmd).addHelpText(
    'after',
    `
Every step prints one line and is safe to repeat: a re-run reuses the apps and keys recorded in
the saved file. The file holds API keys and is written with mode 0600. Failures exit 2 with one line.
Every request (console, key checks, --check) goes through the proxy and TLS settings \`run\` uses:
--proxy/--no-proxy or HTTP_PROXY/HTTPS_PROXY/NO_PROXY, --ca, --insecure, --cert/--key, --servername.

Examples:
  streamload setup --console http://localhost:5001 --email admin@example.com --init-admin Admin \\
      --dsl workflow_llm.yml --llm-base-url http://host.docker.internal:5004
  streamload run                 # reads ./streamload.yml: target, protocol and key of the first app
  streamload setup --check`,
  );
  action(cmd, async (flags: SetupFlags) => {
    const { runSetup, runSetupCheck, SetupError } = await import('../../setup/index.ts');
    const write = (line: string) => state.stdout.write(line);
    const transport = setupTransport(cmd, state, write);
    const { dispatcher } = transport;
    try {
      if (flags.check === true) {
        await runSetupCheck(
          {
            save: flags.save,
            cwd: state.cwd,
            ...(flags.target === undefined ? {} : { target: flags.target }),
            dispatcher,
          },
          write,
        );
        return EXIT_OK;
      }
      const console =
        flags.console ?? (flags.target === undefined ? undefined : new URL(flags.target).origin);
      if (console === undefined)
        throw new UsageError('--console: give the Dify console URL (self-hosted: http://localhost:5001)');
      const email =
        flags.email ?? state.env.STREAMLOAD_DIFY_EMAIL ?? (await prompt(state, 'Dify admin email: ', false));
      if (email === undefined || email === '')
        throw new UsageError('--email: required (or env STREAMLOAD_DIFY_EMAIL)');
      const password =
        flags.password ??
        state.env.STREAMLOAD_DIFY_PASSWORD ??
        (await prompt(state, 'Dify admin password: ', true));
      if (password === undefined || password === '')
        throw new UsageError(
          '--password: required (or env STREAMLOAD_DIFY_PASSWORD, or run on a terminal to be asked)',
        );
      const llmApiKey = flags.llmApiKey ?? state.env.STREAMLOAD_LLM_API_KEY;
      await runSetup(
        {
          console,
          target: flags.target ?? console,
          email,
          password,
          ...(flags.initAdmin === undefined ? {} : { initAdmin: flags.initAdmin }),
          dsl: flags.dsl,
          yes: flags.yes === true,
          reuseKey: flags.reuseKey === true,
          ...(flags.llmBaseUrl === undefined ? {} : { llmBaseUrl: flags.llmBaseUrl }),
          ...(llmApiKey === undefined ? {} : { llmApiKey }),
          installPlugins: flags.installPlugin,
          save: flags.save,
          cwd: state.cwd,
          dispatcher,
        },
        write,
      );
      return EXIT_OK;
    } catch (error) {
      if (error instanceof SetupError) throw new UsageError(error.message);
      throw error;
    } finally {
      await transport.close();
    }
  });
}

/**
 * The dispatcher of every request setup makes, from `run`'s own readers: the same flags (and
 * `STREAMLOAD_*` env), HTTP(S)_PROXY/NO_PROXY, and the same one-line errors for bad values. No HTTP/2:
 * the console calls are a handful of small requests.
 */
function setupTransport(cmd: Command, state: GlobalState, write: (line: string) => void): Transport {
  const given: Record<string, unknown> = {
    ...optionsFromEnv(REACH_OPTIONS, state.env),
    ...typedFlags(cmd),
  };
  const text = (name: 'ca' | 'cert' | 'key' | 'servername') =>
    typeof given[name] === 'string' ? given[name] : null;
  const tls = resolveTls(
    {
      ca: text('ca'),
      cert: text('cert'),
      key: text('key'),
      insecure: given.insecure === true,
      servername: text('servername'),
    },
    state.cwd,
  );
  // --insecure is said out loud, as `run` says it (no origin needed: only the TLS warning applies).
  for (const warning of transportWarnings({ tls, http2: false }, '', { opened: 0, h2: 0 }))
    write(`! ${warning}\n`);
  return createTransport({
    proxy: resolveProxy(given.proxy, state.env),
    tls,
    http2: false,
    connectTimeout: 10_000,
    firstByteTimeout: TIMEOUT_MS,
    idleTimeout: TIMEOUT_MS,
    maxConnections: null,
  });
}

/** What one console call may take before setup gives up on it. */
const TIMEOUT_MS = 30_000;

/** Asks on the terminal (hidden for a password); undefined when stdin is not a terminal. */
async function prompt(state: GlobalState, question: string, hidden: boolean): Promise<string | undefined> {
  const { terminal } = state;
  if (terminal === undefined) return undefined;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: terminal.input, output: terminal.output, terminal: true });
  if (hidden) {
    // Echo nothing of what is typed: readline writes through _writeToOutput.
    const internal = rl as unknown as { _writeToOutput: (text: string) => void };
    internal._writeToOutput = (text) => {
      if (text.startsWith(question)) terminal.output.write(question);
    };
  }
  try {
    const answer = await rl.question(question);
    if (hidden) terminal.output.write('\n');
    return answer.trim();
  } finally {
    rl.close();
  }
}

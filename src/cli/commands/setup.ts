import type { Command } from 'commander';
import { createTransport, type Transport, transportWarnings } from '../../engine/transport.ts';
import { REACH_OPTIONS } from '../../engine/transport-options.ts';
import { EXIT_OK, UsageError } from '../../errors.ts';
import type { GlobalState } from '../../global-state.ts';
import { OPTIONS } from '../../run-config/fields.ts';
import { resolveProxy, resolveTls } from '../../run-config/resolve.ts';
import { SETUP_OPTIONS } from '../../setup/options.ts';
import { addConfigOption, addOptions, givenOwnOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { addTransportOptions, typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('setup')
    .description(
      'Set up a Dify for a load test: admin, login, model provider, import + publish DSL apps, API keys',
    );
  addConfigOption(addOptions(cmd, SETUP_OPTIONS));
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
  action(cmd, async () => {
    const flags = resolveOwnOptions(SETUP_OPTIONS, typedFlags(cmd), state, OPTIONS);
    const { runSetup, runSetupCheck, SetupError } = await import('../../setup/index.ts');
    const write = (line: string) => state.stdout.write(line);
    const transport = setupTransport(cmd, state, write);
    const { dispatcher } = transport;
    try {
      if (flags.check) {
        await runSetupCheck(
          {
            save: flags.save,
            cwd: state.cwd,
            ...(flags.target === null ? {} : { target: flags.target }),
            dispatcher,
          },
          write,
        );
        return EXIT_OK;
      }
      const console = flags.console ?? (flags.target === null ? null : new URL(flags.target).origin);
      if (console === null)
        throw new UsageError('--console: give the Dify console URL (self-hosted: http://localhost:5001)');
      const email = flags.email ?? (await prompt(state, 'Dify admin email: ', false));
      if (email === undefined || email === '')
        throw new UsageError('--email: required (or env STREAMLOAD_DIFY_EMAIL)');
      const password = flags.password ?? (await prompt(state, 'Dify admin password: ', true));
      if (password === undefined || password === '')
        throw new UsageError(
          '--password: required (or env STREAMLOAD_DIFY_PASSWORD, or run on a terminal to be asked)',
        );
      const { llmApiKey } = flags;
      await runSetup(
        {
          console,
          target: flags.target ?? console,
          email,
          password,
          ...(flags.initAdmin === null ? {} : { initAdmin: flags.initAdmin }),
          dsl: flags.dsl,
          yes: flags.yes,
          reuseKey: flags.reuseKey,
          ...(flags.llmBaseUrl === null ? {} : { llmBaseUrl: flags.llmBaseUrl }),
          ...(llmApiKey === null ? {} : { llmApiKey }),
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
  const given = givenOwnOptions(REACH_OPTIONS, typedFlags(cmd), state, { ...OPTIONS, ...SETUP_OPTIONS });
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

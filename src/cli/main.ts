#!/usr/bin/env node
/**
 * The entry point, and with `process-state.ts` the only module that touches argv, the exit code and
 * the real process's stdio and signals: it builds the GlobalState once and hands it to every command
 * (`commands/<name>.ts` exports `register(program, cli)`); each action resolves with its exit code.
 * Heavy modules are imported lazily inside the command's action so `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { setPackageEntry } from '../engine/scenario/self-import.ts';
import { EXIT_OK, EXIT_USAGE, ExitError } from '../errors.ts';
import type { GlobalState, Output } from '../global-state.ts';
import { isSystemError, OperationalError } from '../util/operational-error.ts';
import { VERSION } from '../version.ts';
import { COMMANDS } from './commands/index.ts';
import type { CliContext } from './context.ts';
import { PACKAGE_ENTRY } from './entries.ts';
import { processState } from './process-state.ts';

// A scenario file's `import 'streamload'` is this copy of the package.
setPackageEntry(PACKAGE_ENTRY);

/**
 * The program with every command, reading and writing `state`; `onExitCode` receives what the
 * action that ran resolved with. Tests that only parse may call it bare.
 */
export function buildProgram(
  state: GlobalState = processState(),
  onExitCode: (code: number) => void = () => {},
): Command {
  const program = new Command('streamload')
    .description('Load testing and benchmarking for streaming (Server-Sent Events) HTTP APIs')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => state.stdout.write(text),
      writeErr: (text) => state.stderr.write(text),
      outputError: () => {},
    });
  const cli: CliContext = {
    state,
    action: (cmd, run) =>
      cmd.action(async (...args: unknown[]) => {
        onExitCode((await run(...(args as Parameters<typeof run>))) ?? EXIT_OK);
      }),
  };
  for (const register of COMMANDS) register(program, cli);
  return program;
}

/** Runs one command line against `state`; resolves with the process's exit code. */
export async function main(argv: string[], state: GlobalState = processState()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(state, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportFailure(err, state.stderr);
  }
}

/**
 * A closed stdout or stderr (`streamload run … | head -1`) must not kill a run and lose its
 * reports: EPIPE is swallowed and that stream stays silent; the reports are files anyway.
 */
function tolerateClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

function reportFailure(err: unknown, stderr: Output): number {
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    ) {
      return 0;
    }
    stderr.write(`streamload: ${err.message.replace(/^error: /, '')} (see --help)\n`);
    return EXIT_USAGE;
  }
  if (err instanceof ExitError) {
    if (err.message) stderr.write(`streamload: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof OperationalError || isSystemError(err)) {
    stderr.write(`streamload: ${err.message.split('\n')[0]}\n`);
    return EXIT_USAGE;
  }
  stderr.write(
    `streamload: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 70;
}

if (import.meta.main) {
  tolerateClosedOutput(process.stdout);
  tolerateClosedOutput(process.stderr);
  process.exitCode = await main(process.argv.slice(2));
  // Every command resolves only when its work is done (servers and the web UI wait for a signal),
  // so whatever is still pending now (a timer in scenario code, a half-started server after an
  // error) must not keep the process: the run has ended and its reports are written.
  process.exit();
}

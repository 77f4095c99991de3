#!/usr/bin/env node
/**
 * The only module that touches argv, process exit codes and signals' final say.
 * Each command lives in `commands/<name>.ts` and exports `register(program)`; heavy modules are
 * imported lazily inside the command's action so `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, ExitError } from '../errors.ts';
import { isSystemError, OperationalError } from '../util/operational-error.ts';
import { VERSION } from '../version.ts';
import { COMMANDS } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('streamload')
    .description('Load testing and benchmarking for streaming (Server-Sent Events) HTTP APIs')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportFailure(err);
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

function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    ) {
      return 0;
    }
    process.stderr.write(`streamload: ${err.message.replace(/^error: /, '')} (see --help)\n`);
    return EXIT_USAGE;
  }
  if (err instanceof ExitError) {
    if (err.message) process.stderr.write(`streamload: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof OperationalError || isSystemError(err)) {
    process.stderr.write(`streamload: ${err.message.split('\n')[0]}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(
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

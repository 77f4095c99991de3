/**
 * What `main.ts` hands every command (changesets' one typed function per command, k6's injected
 * state): the process's globals as a GlobalState, and the one way an action reports its exit code,
 * by resolving with it. No command reads `process.*` or sets `process.exitCode` itself.
 */
import type { Command } from 'commander';
import type { GlobalState } from '../global-state.ts';

export interface CliContext {
  readonly state: GlobalState;
  /**
   * Sets `cmd`'s action. What `run` resolves with is the process's exit code (nothing: 0); a
   * failure throws (UsageError, ExitError) and main.ts turns it into one line and its code.
   */
  action<A extends unknown[]>(cmd: Command, run: (...args: A) => Promise<number | undefined>): Command;
}

/** A command's registration: `commands/<name>.ts` exports one. */
export type RegisterCommand = (program: Command, cli: CliContext) => void;

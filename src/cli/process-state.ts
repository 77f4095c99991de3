/** The real process as a GlobalState: only entry points in src/cli/ call this. */
import { constants } from 'node:os';
import { type GlobalState, STOP_SIGNALS, type StopSignal } from '../global-state.ts';
import { CLI_MAIN } from './entries.ts';

/** Who listens for stop signals now; one process handler per signal serves them all. */
const listeners = new Set<(signal: StopSignal) => void>();
let bound = false;

/**
 * Once a command has listened, a stop signal never falls back to the default action (death by
 * signal, exit 143) again: removing the last listener would restore it, and a SIGTERM between a
 * run's end (reports written) and the exit would lose the run's exit code. With no listener the
 * signal ends the process as the default would (128 + its number), but only after the current
 * turn: a command already returning its exit code exits with that.
 */
function dispatch(signal: StopSignal): void {
  if (listeners.size > 0) {
    for (const listener of [...listeners]) listener(signal);
    return;
  }
  setImmediate(() => process.exit(128 + constants.signals[signal]));
}

export function processState(): GlobalState {
  return {
    env: process.env,
    cwd: process.cwd(),
    selfEntry: CLI_MAIN,
    stdout: process.stdout,
    stderr: process.stderr,
    ...(process.stdin.isTTY ? { terminal: { input: process.stdin, output: process.stdout } } : {}),
    onStopSignal(listener) {
      if (!bound) {
        bound = true;
        for (const signal of STOP_SIGNALS) process.on(signal, () => dispatch(signal));
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

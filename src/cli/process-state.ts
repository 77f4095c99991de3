/** The real process as a GlobalState: only entry points in src/cli/ call this. */
import { type GlobalState, STOP_SIGNALS } from '../global-state.ts';
import { CLI_MAIN } from './entries.ts';

export function processState(): GlobalState {
  return {
    env: process.env,
    cwd: process.cwd(),
    selfEntry: CLI_MAIN,
    stdout: process.stdout,
    stderr: process.stderr,
    ...(process.stdin.isTTY ? { terminal: { input: process.stdin, output: process.stdout } } : {}),
    onStopSignal(listener) {
      const bound = STOP_SIGNALS.map((signal) => {
        const handler = () => listener(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of bound) process.off(signal, handler);
      };
    },
  };
}

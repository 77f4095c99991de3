/**
 * The process's globals as one value (k6's `cmd/state`): read once by an entry point in src/cli/
 * (`cli/main.ts`, or the entry of a forked child) and handed down. Modules below the CLI take what
 * they need from here and never touch `process.argv`, `env`, `stdout`, `stderr`, signals or the
 * exit code themselves, so tests can give them a fake and nothing writes behind the CLI's back.
 * Read-only facts (`process.pid`, `process.version`, `cpuUsage`) are not state and stay direct.
 */

/** Where lines go: `process.stdout`/`stderr`, or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  /** A terminal: the live view redraws in place instead of appending. */
  readonly isTTY?: boolean;
}

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface GlobalState {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: Output;
  readonly stderr: Output;
  /** The user's terminal, when stdin is one: `setup` asks for a missing password there. */
  readonly terminal?: { readonly input: NodeJS.ReadStream; readonly output: NodeJS.WriteStream };
  /** Calls `listener` on each SIGINT, SIGTERM or SIGHUP; returns the unsubscribe. */
  onStopSignal(listener: (signal: StopSignal) => void): () => void;
  /**
   * The script that runs this program's CLI (`node <it> serve workflow …`): how a run starts its
   * embedded targets in a child. Given by the CLI's entry; none: a run needs a `--target`.
   */
  readonly selfEntry?: string;
}

/** A state that records output and never sees a signal (unless `signal()` is called): for tests. */
export function memoryState(
  overrides: Partial<Pick<GlobalState, 'env' | 'cwd' | 'selfEntry'>> = {},
): GlobalState & { readonly out: string[]; readonly err: string[]; signal(s: StopSignal): void } {
  const out: string[] = [];
  const err: string[] = [];
  const listeners = new Set<(signal: StopSignal) => void>();
  return {
    env: overrides.env ?? {},
    cwd: overrides.cwd ?? '/',
    ...(overrides.selfEntry === undefined ? {} : { selfEntry: overrides.selfEntry }),
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    out,
    err,
    onStopSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signal(s) {
      for (const listener of [...listeners]) listener(s);
    },
  };
}

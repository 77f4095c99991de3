/**
 * Failures that end the process with a specific exit code. Only `cli/main.ts` turns them into
 * an exit; everything else throws them.
 */
export const EXIT_OK = 0;
/** A threshold failed, or `compare` found a regression. */
export const EXIT_THRESHOLD = 1;
/** Bad usage or config: one line naming the option or file:line. */
export const EXIT_USAGE = 2;
/** Interrupted (Ctrl-C, SIGTERM, SIGHUP) before the load started: nothing measured, no reports. */
export const EXIT_INTERRUPTED = 130;

export class ExitError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Invalid flag, config value or file: exit 2. The message names the option or file:line. */
export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

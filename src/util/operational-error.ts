/**
 * A failure the user caused or can fix (a port in use, a target that died, a folder not writable),
 * as opposed to a bug: the CLI prints its message as one line and exits 2, never a stack trace.
 * Unlike `UsageError` (src/errors.ts) it is not about bad input, so it carries no exit code of its own.
 */
export class OperationalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationalError';
  }
}

/** Node's system errors (EADDRINUSE, EACCES, ENOENT …) carry a string `code` and a `syscall`. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string'
  );
}

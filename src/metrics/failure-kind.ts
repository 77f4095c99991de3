/**
 * What tells one failure row from another in the failures table (failures.csv, report tables): the
 * taxonomy name, and for a `connection_error` its transport cause. A refused connection (nothing
 * listens: the target is down) and a reset (something listens and drops it: a crashing worker, a
 * full backlog) call for different fixes, so they are two rows, each with its own sample message.
 */
import type { ErrorName } from './names.ts';

/** The first words of a connection_error's message (engine/classify.ts writes them): a closed set. */
export const CONNECTION_CAUSES = {
  refused: 'connection refused',
  reset: 'connection reset by the server',
  closed: 'connection closed by the server before it answered',
  dns: 'host name not found',
} as const;

const LABELS: readonly string[] = Object.values(CONNECTION_CAUSES);

/** The failure row's key beside method and name: the error name, plus the cause of a connection_error. */
export function failureKind(error: ErrorName, message: string): string {
  if (error !== 'connection_error') return error;
  const label = LABELS.find((l) => message.startsWith(l));
  return label === undefined ? error : `${error}: ${label}`;
}

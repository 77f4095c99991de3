/**
 * The process's open-file limit (`ulimit -n`). Each virtual user holds a socket, so more users
 * than the limit end in EMFILE: warned about before the start, when it can still be raised.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The soft limit on open files, or null when it cannot be read (or is unlimited). */
export function openFileLimit(): number | null {
  try {
    // Linux: "Max open files            1024                 1048576              files"
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match !== null) return Number(match[1]);
  } catch {
    // not Linux: ask the shell below
  }
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** A warning line when `users` sockets cannot fit under the limit, else null. */
export function openFileWarning(users: number, limit = openFileLimit()): string | null {
  if (limit === null || users <= limit) return null;
  return (
    `warning: ${users} users in one process is above the open-file limit (ulimit -n = ${limit}): each user holds a ` +
    `socket, so some connections will fail with EMFILE; raise it first (ulimit -n ${users + 1024})`
  );
}

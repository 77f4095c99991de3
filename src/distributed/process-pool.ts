/**
 * `--processes N`: N child processes of this same Node, each a worker over its IPC channel. Child
 * stdout goes to the parent's stderr, so the parent alone owns stdout (`--json-summary`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import type { Coordinator } from './coordinator.ts';
import { childTransport, createLink, type LinkOptions } from './link.ts';

/** `--processes`: `auto` → the number of cores; otherwise a whole number ≥ 1 (a commander argParser). */
export function parseProcesses(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = /^\d+$/.test(value) ? Number(value) : 0;
  if (n < 1)
    throw new UsageError(`--processes must be auto or a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return n;
}

export interface ProcessPool {
  readonly children: readonly ChildProcess[];
  /** Kills every child still running (SIGKILL after `graceMs` of SIGTERM). */
  close(graceMs?: number): Promise<void>;
}

// Built output runs child.js beside this file; the sources run child.ts.
const CHILD = fileURLToPath(
  new URL(`./child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

export interface ProcessPoolOptions extends LinkOptions {
  /** Module exporting `startShare: StartShare` (default: the engine's, engine-share.ts). */
  readonly startShareModule?: string;
}

export function forkWorkers(
  coordinator: Coordinator,
  count: number,
  options: ProcessPoolOptions = {},
): ProcessPool {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const child = fork(CHILD, options.startShareModule === undefined ? [] : [options.startShareModule], {
      stdio: ['ignore', 2, 2, 'ipc'],
      // Inherit nothing odd (--test, --inspect) from the parent's command line.
      execArgv: [],
    });
    children.push(child);
    coordinator.addLink(
      createLink(childTransport(child), `process ${i + 1} (pid ${child.pid})`, {
        // The pool's own join timeout (30 s) bounds a child that never starts.
        firstMessageTimeoutMs: 30_000,
        ...options,
      }),
    );
  }
  return {
    children,
    async close(graceMs = 2000) {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

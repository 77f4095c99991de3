/**
 * `--processes N`: N children of this same Node running segments 1/N … N/N from one common start,
 * set a little ahead so every child has loaded the engine by then. No hello and no heartbeats: a
 * parent knows its own children. Each gets its share in one message; the parent merges the
 * snapshots they report every second (parts.ts) and learns of a child's end from its bye or its
 * exit. Child stdout goes to the parent's stderr, so the parent alone owns stdout (`--json-summary`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { type Plan, splitPlan } from '../config/shares.ts';
import { UsageError } from '../errors.ts';
import { createParts, type ScaledRun } from './parts.ts';
import { type Message, parseMessage } from './protocol.ts';

/** `--processes`: `auto` → the number of cores; otherwise a whole number ≥ 1 (a commander argParser). */
export function parseProcesses(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = /^\d+$/.test(value) ? Number(value) : 0;
  if (n < 1)
    throw new UsageError(`--processes must be auto or a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * From the fork to the common start: a child loads the engine in ~0.5 s on an idle core; N of them
 * share the cores. A child later than that still runs its share, with a warning (run.ts).
 */
export function startLeadMs(processes: number): number {
  return Math.min(10_000, 2000 + 500 * processes);
}

/** After an abort, children still running this long are killed (a hung child cannot hold the run). */
const ABORT_GRACE_MS = 5000;

export interface ProcessesOptions {
  readonly processes: number;
  /** The resolved configuration (plain JSON); each child applies its segment. */
  readonly config: Record<string, unknown>;
  readonly plan: Plan;
  /** The child's entry module (src/cli/process-child.ts) and its arguments. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly notice: (line: string) => void;
  /** The common start (epoch ms); default: now + startLeadMs. */
  readonly startAt?: number;
}

export interface Processes extends ScaledRun {
  readonly children: readonly ChildProcess[];
  /** The common start every child's second 1 counts from. */
  readonly startAt: number;
  /** Kills every child still running (SIGKILL after 2 s of SIGTERM). */
  close(): Promise<void>;
}

export function forkProcesses(options: ProcessesOptions): Processes {
  const parts = createParts({ notice: options.notice });
  const startAt = options.startAt ?? Date.now() + startLeadMs(options.processes);
  const config = { ...options.config, startAt };
  const children = splitPlan(options.plan, options.processes).map((share, i) => {
    const child = fork(options.entry, [...(options.args ?? [])], {
      stdio: ['ignore', 2, 2, 'ipc'],
      // Inherit nothing odd (--test, --inspect) from the parent's command line.
      execArgv: [],
    });
    const send = (message: Message): void => {
      // The callback takes a failed write (a child that just died: EPIPE); its exit reports it.
      if (child.connected) child.send(message, () => {});
    };
    const part = parts.add(`process ${i + 1} (pid ${child.pid})`, share, (mode) => {
      send({ type: 'stop', mode });
      if (mode === 'abort') setTimeout(() => child.kill('SIGKILL'), ABORT_GRACE_MS).unref();
    });
    child.on('message', (data) => {
      try {
        const message = parseMessage(data);
        if (message.type === 'snapshot') part.snapshot(message.snapshot);
        else if (message.type === 'bye' && message.reason === 'error')
          part.lose(message.message ?? 'the share failed');
        else if (message.type === 'bye') part.bye(message.status ?? 'completed', message.warnings ?? []);
        else throw new Error(`protocol: a parent cannot receive ${message.type}`);
      } catch (err) {
        part.lose(err instanceof Error ? err.message : String(err));
        child.kill('SIGKILL');
      }
    });
    // Lost only once the channel is drained too: a bye read after the exit still counts.
    let exit: string | null = null;
    const gone = (): void => {
      if (exit !== null && !child.connected) part.lose(`process exited (${exit})`);
    };
    child.on('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      gone();
    });
    child.on('disconnect', gone);
    send({ type: 'assign', config, share });
    return child;
  });
  parts.seal();
  return {
    onTick: parts.onTick,
    snapshot: parts.snapshot,
    stop: parts.stop,
    done: parts.done,
    started: Promise.resolve(),
    children,
    startAt,
    async close() {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

/**
 * `--processes N`: N children of this same Node running segments 1/N … N/N from one common start.
 * No hello and no heartbeats: a parent knows its own children. Each says `ready` once it has loaded
 * the engine; when all have (a guessed lead would be too short on a loaded machine, and a late child
 * would silently do less of its share), the parent sets the start a moment ahead and sends each its
 * share in one message. It merges the snapshots they report every second (parts.ts) and learns of a
 * child's end from its bye or its exit. Child stdout goes to the parent's stderr, so the parent alone
 * owns stdout (`--json-summary`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.ts';
import { type Plan, splitPlan } from '../segments/shares.ts';
import { createParts, type ScaledRun } from './parts.ts';
import { type Message, parseMessage } from './protocol.ts';

/** `--processes`: `auto` → the number of cores; otherwise a whole number ≥ 1 (a commander argParser). */
/**
 * Most local processes one run may fork: far past any machine's cores (each child is a whole Node
 * process, ~60 MB), so a typo such as `--processes 1000` is refused instead of forking them all.
 */
export const MAX_PROCESSES = 256;

/**
 * `--processes`: auto (one per core) or a whole number from 1 to MAX_PROCESSES, and never more
 * than `users` (a closed run's users: a process without a user would only cost a fork; null
 * where the load is not counted in users, such as arrival rates). `auto` takes the smaller.
 */
export function parseProcesses(value: string, users: number | null = null): number {
  if (value === 'auto')
    return Math.max(1, Math.min(availableParallelism(), users ?? MAX_PROCESSES, MAX_PROCESSES));
  const n = /^\d+$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > MAX_PROCESSES)
    throw new UsageError(
      `--processes must be auto or a whole number from 1 to ${MAX_PROCESSES}, got ${JSON.stringify(value)}`,
    );
  if (users !== null && n > users)
    throw new UsageError(
      `--processes ${n} is more than the ${users} user${users === 1 ? '' : 's'} to split: each process needs at least one (use --processes ${Math.max(1, users)} or more --users)`,
    );
  return n;
}

/** From the last `ready` to the common start: the assign messages' trip over IPC. */
const START_MARGIN_MS = 250;

/** A child that has not loaded the engine by then is killed and its segment lost (bounded start). */
const READY_TIMEOUT_MS = 60_000;

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
  /** The common start (epoch ms); default: a moment after every child is ready. */
  readonly startAt?: number;
}

export interface Processes extends ScaledRun {
  readonly children: readonly ChildProcess[];
  /** The common start every child's second 1 counts from: null until `started` resolves. */
  readonly startAt: number | null;
  /** Kills every child still running (SIGKILL after 2 s of SIGTERM). */
  close(): Promise<void>;
}

export function forkProcesses(options: ProcessesOptions): Processes {
  const parts = createParts({ notice: options.notice });
  let startAt: number | null = null;
  let markStarted = (): void => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  // Children still loading; the assigns of those that are ready. A child that is gone before it
  // was ready (its part is lost) is no longer awaited.
  const loading = new Set<number>();
  const assigns: (() => void)[] = [];
  const startIfAllReady = (): void => {
    if (startAt !== null || loading.size > 0) return;
    clearTimeout(readyTimer);
    startAt = options.startAt ?? Date.now() + START_MARGIN_MS;
    for (const assign of assigns) assign();
    markStarted();
  };
  const children = splitPlan(options.plan, options.processes).map((share, i) => {
    loading.add(i);
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
    const settleLoading = (): void => {
      if (loading.delete(i)) startIfAllReady();
    };
    child.on('message', (data) => {
      try {
        const message = parseMessage(data);
        if (message.type === 'ready') {
          assigns.push(() => send({ type: 'assign', config: { ...options.config, startAt }, share }));
          settleLoading();
        } else if (message.type === 'snapshot') part.snapshot(message.snapshot);
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
      if (exit === null || child.connected) return;
      part.lose(`process exited (${exit})`);
      settleLoading();
    };
    child.on('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      gone();
    });
    child.on('disconnect', gone);
    return child;
  });
  // Bounded: a child that never loads is killed; its exit loses its segment and the rest start.
  const readyTimer = setTimeout(() => {
    for (const i of loading) children[i]?.kill('SIGKILL');
  }, READY_TIMEOUT_MS);
  readyTimer.unref();
  parts.seal();
  return {
    onTick: parts.onTick,
    snapshot: parts.snapshot,
    stop: parts.stop,
    done: parts.done,
    started,
    children,
    get startAt() {
      return startAt;
    },
    async close() {
      clearTimeout(readyTimer);
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

/**
 * `streamload master`'s side of the protocol over its workers' links: waits for the expected
 * workers (hello, version check), gives worker k segment k/N and the one start time (`startAt` in
 * its config, so every worker's history rows count seconds from the same instant), then leaves
 * the merge and the books to parts.ts. A lost worker (link closed, or heartbeats silent ~3 s
 * before its bye) makes the result partial, naming its segment. No takeover, no rebalancing: a
 * worker that arrives after the start is refused with a clear line (it would run a share nobody
 * planned).
 */

import { type Plan, splitPlan } from '../segments/shares.ts';
import { OperationalError } from '../util/operational-error.ts';
import { VERSION } from '../version.ts';
import type { Link } from './link.ts';
import { createParts, type PartInbox, type ScaledRun, type ScaleOut } from './parts.ts';
import { helloMismatch, type Message, PROTOCOL_VERSION, unexpected } from './protocol.ts';
import { listenForWorkers } from './ws.ts';

export interface CoordinatorOptions {
  readonly expectWorkers: number;
  readonly config: Record<string, unknown>;
  readonly plan: Plan;
  /** How long to wait for the expected workers (default 60 s). */
  readonly joinTimeoutMs?: number;
  /** Notices a user must see (lost worker, late worker, refused peer). */
  readonly notice: (line: string) => void;
  readonly version?: string;
}

export interface Coordinator extends ScaleOut {
  /** A new connection; it must say hello first. */
  addLink(link: Link): void;
  /** Resolves when every expected worker has joined and got its share; rejects on the join timeout. */
  readonly started: Promise<void>;
}

interface Worker {
  readonly link: Link;
  /** connecting: no hello yet; joined: welcomed, waiting for the start; running: has its share. */
  state: 'connecting' | 'joined' | 'running' | 'gone';
  part: PartInbox | null;
}

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const own = { protocol: PROTOCOL_VERSION, version: options.version ?? VERSION };
  const { notice } = options;
  const parts = createParts({ notice });
  const workers: Worker[] = [];
  let nextId = 1;
  let runStarted = false;
  let resolveStarted!: () => void;
  let rejectStarted!: (err: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // Callers may only await `done`; an unobserved join failure must not crash the process.
  started.catch(() => {});

  const joined = (): Worker[] => workers.filter((w) => w.state === 'joined');
  function fail(err: Error): void {
    clearTimeout(joinTimer);
    for (const w of workers) if (!w.link.closed) w.link.send({ type: 'stop', mode: 'abort' });
    rejectStarted(err);
    parts.fail(err);
  }
  const joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
  const joinTimer = setTimeout(() => {
    if (runStarted) return;
    fail(
      new OperationalError(
        `waited ${Math.round(joinTimeoutMs / 1000)} s for ${options.expectWorkers} worker(s); ` +
          `${joined().length} joined. Start more workers (streamload worker --master-host ...) or lower --expect-workers`,
      ),
    );
  }, joinTimeoutMs);

  function startRun(): void {
    runStarted = true;
    clearTimeout(joinTimer);
    const ready = joined();
    const shares = splitPlan(options.plan, ready.length);
    // One clock for every worker (D1): rows count seconds from here, wherever the worker runs.
    const config = { ...options.config, startAt: Date.now() };
    ready.forEach((worker, i) => {
      const share = shares[i]!;
      worker.state = 'running';
      worker.part = parts.add(worker.link.label, share, (mode) => worker.link.send({ type: 'stop', mode }));
      worker.link.send({ type: 'assign', config, share });
    });
    parts.seal();
    resolveStarted();
  }

  function onMessage(worker: Worker, message: Message): void {
    switch (message.type) {
      case 'hello': {
        if (worker.state !== 'connecting') return;
        const mismatch =
          helloMismatch(message, own) ??
          (runStarted
            ? 'the run already started: a late worker is refused (start every worker before the master has --expect-workers)'
            : null);
        if (mismatch !== null) {
          notice(`refused ${worker.link.label}: ${mismatch}`);
          worker.link.send({ type: 'refuse', reason: mismatch });
          worker.state = 'gone';
          setTimeout(() => worker.link.close('refused'), 100).unref();
          return;
        }
        const id = `w${nextId++}`;
        worker.state = 'joined';
        worker.link.label = `${worker.link.label} [${id} ${message.host}/${message.pid}]`;
        worker.link.send({ type: 'welcome', protocol: own.protocol, version: own.version, workerId: id });
        if (joined().length >= options.expectWorkers) startRun();
        return;
      }
      case 'snapshot':
        try {
          worker.part?.snapshot(message.snapshot);
        } catch (err) {
          worker.link.close(`bad snapshot: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      case 'bye':
        if (message.reason === 'error') worker.part?.lose(message.message ?? 'the share failed');
        // A worker before protocol 3 would be refused at hello; absent fields mean a plain end.
        else worker.part?.bye(message.status ?? 'completed', message.warnings ?? []);
        worker.link.close('done');
        return;
      case 'heartbeat':
      case 'ready':
      case 'welcome':
      case 'refuse':
      case 'assign':
      case 'stop':
        worker.link.close(`protocol: a master cannot receive ${message.type}`);
        return;
      default:
        unexpected(message);
    }
  }

  function onClose(worker: Worker, reason: string): void {
    if (worker.part !== null) worker.part.lose(reason);
    else if (worker.state === 'joined' || worker.state === 'connecting')
      notice(`${worker.link.label} left before the run started (${reason})`);
    worker.state = 'gone';
  }

  return {
    addLink(link) {
      const worker: Worker = { link, state: 'connecting', part: null };
      workers.push(worker);
      link.onMessage((message) => onMessage(worker, message));
      link.onClose((reason) => onClose(worker, reason));
    },
    started,
    onTick: parts.onTick,
    snapshot: parts.snapshot,
    done: parts.done,
    stop(mode) {
      if (!runStarted)
        fail(new OperationalError('stopped before the expected workers joined; nothing was measured'));
      else parts.stop(mode);
    },
  };
}

/** `streamload master`: a coordinator behind its worker listener. */
export async function startMaster(
  options: CoordinatorOptions & {
    readonly host: string;
    readonly port: number;
    /** The master token workers must prove in their hello; null: none (loopback only). */
    readonly token: string | null;
    /** Called once the listener is up (tests read the ephemeral port). */
    readonly onListening?: (port: number) => void;
  },
): Promise<ScaledRun> {
  const coordinator = createCoordinator(options);
  const listener = await listenForWorkers(coordinator, {
    host: options.host,
    port: options.port,
    token: options.token,
    onRefused: (from) =>
      options.notice(`refused a connection from ${from}: no valid hello with the master token`),
  });
  options.onListening?.(listener.port);
  return { ...coordinator, startAt: null, close: () => listener.close() };
}

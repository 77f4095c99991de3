/**
 * The master's side of the protocol, over any set of links (child processes or WebSocket
 * workers): waits for the expected workers, hands out config and shares, merges their cumulative
 * snapshots exactly (createSnapshotMerger: histograms added, never percentiles averaged), and keeps
 * the books on lost and late workers.
 *
 * Worker k of N gets segment k/N and the one start time (`startAt` in its config), so every
 * worker's history rows count seconds from the same instant. Lost worker (link closed or heartbeat
 * silent ~3 s before its bye): reported at once, naming its segment; the run goes on; its last
 * snapshot stays in the merge (what it measured up to its last report counts, anything after is
 * missing) and the result is marked partial. No takeover, no rebalancing: a worker that arrives
 * after the start is refused with a clear line (it would run a share nobody planned).
 */
import { createSnapshotMerger } from '../metrics/merger.ts';
import { createRecorder } from '../metrics/recorder.ts';
import type { Snapshot, SnapshotTotals } from '../metrics/snapshot.ts';
import { OperationalError } from '../util/operational-error.ts';
import { VERSION } from '../version.ts';
import type { Link } from './link.ts';
import { helloMismatch, type Message, PROTOCOL_VERSION, type RunStatus, unexpected } from './protocol.ts';
import { describeShare, formatSegment, type Plan, type Share, splitPlan } from './shares.ts';

export interface PartialResult {
  readonly lostWorkers: number;
  readonly workers: number;
  readonly notice: string;
}

/** One worker's part in the result (for a per-worker breakdown and for checks). */
export interface WorkerReport {
  readonly id: string;
  readonly label: string;
  readonly share: Share;
  readonly state: 'done' | 'lost';
  /** Totals of its last snapshot (null when it never reported). */
  readonly totals: SnapshotTotals | null;
  /** How its share ended, from its bye (null when lost). */
  readonly status: RunStatus | null;
  /** Its share's warnings, from its bye (none when lost: the partial notice names it). */
  readonly warnings: readonly string[];
}

export interface CoordinatorResult {
  /** Every worker's last snapshot merged (lost workers included up to their last report). */
  readonly snapshot: Snapshot;
  readonly partial: PartialResult | null;
  /** Every worker that got a share, in join order. */
  readonly workers: readonly WorkerReport[];
}

export interface CoordinatorOptions {
  readonly expectWorkers: number;
  readonly config: Record<string, unknown>;
  readonly plan: Plan;
  /** How long to wait for the expected workers (default 60 s). */
  readonly joinTimeoutMs?: number;
  /** Notices a user must see (lost worker, late worker, refused peer). */
  readonly notice?: (line: string) => void;
  readonly version?: string;
}

export interface Coordinator {
  /** A new connection; it must say hello first. */
  addLink(link: Link): void;
  /** Resolves when every expected worker has joined and got its share; rejects on the join timeout. */
  readonly started: Promise<void>;
  /** Every second after the start: the merged cumulative snapshot. Returns an unsubscribe. */
  onTick(listener: (snapshot: Snapshot) => void): () => void;
  /** Every worker's share has ended (done or lost). */
  readonly done: Promise<CoordinatorResult>;
  /** Graceful stop or abort of every live worker. */
  stop(mode: 'graceful' | 'abort'): void;
  /** The exact merge so far (an empty snapshot before any worker reported). */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Closed model: a new total of users, re-split over the running workers. */
  setUsers(users: number): void;
}

interface Worker {
  readonly id: string;
  readonly link: Link;
  share: Share | null;
  /** connecting: no hello yet; joined: welcomed, waiting for the start. */
  state: 'connecting' | 'joined' | 'running' | 'done' | 'lost';
  lastSnapshotS: number;
  totals: SnapshotTotals | null;
  status: RunStatus | null;
  warnings: readonly string[];
}

interface Lost {
  readonly label: string;
  readonly share: Share;
  readonly reason: string;
  readonly lastSnapshotS: number;
}

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const own = { protocol: PROTOCOL_VERSION, version: options.version ?? VERSION };
  const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
  const merger = createSnapshotMerger();
  // setUsers changes the closed-model total while running.
  let plan = options.plan;
  const workers: Worker[] = [];
  const lost: Lost[] = [];
  const tickListeners = new Set<(snapshot: Snapshot) => void>();
  let nextId = 1;
  let runStarted = false;
  let finished = false;
  let everReported = false;
  let tickTimer: NodeJS.Timeout | undefined;

  let resolveStarted!: () => void;
  let rejectStarted!: (err: Error) => void;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // Callers may only await `done`; an unobserved join failure must not crash the process.
  started.catch(() => {});
  let resolveDone!: (result: CoordinatorResult) => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<CoordinatorResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
  const joinTimer = setTimeout(() => {
    if (runStarted) return;
    const joined = workers.filter((w) => w.state === 'joined').length;
    fail(
      new OperationalError(
        `waited ${Math.round(joinTimeoutMs / 1000)} s for ${options.expectWorkers} worker(s); ` +
          `${joined} joined. Start more workers (streamload worker --master-host ...) or lower --expect-workers`,
      ),
    );
  }, joinTimeoutMs);

  const live = (): Worker[] => workers.filter((w) => w.state !== 'done' && w.state !== 'lost');
  const running = (): Worker[] => workers.filter((w) => w.state === 'running');

  function fail(err: Error): void {
    if (finished) return;
    finished = true;
    clearTimeout(joinTimer);
    clearInterval(tickTimer);
    for (const w of workers) if (!w.link.closed) w.link.send({ type: 'stop', mode: 'abort' });
    rejectStarted(err);
    rejectDone(err);
  }

  function startRun(): void {
    runStarted = true;
    clearTimeout(joinTimer);
    const joined = workers.filter((w) => w.state === 'joined');
    const shares = splitPlan(plan, joined.length);
    // One clock for every worker (D1): rows count seconds from here, wherever the worker runs.
    const config = { ...options.config, startAt: Date.now() };
    joined.forEach((worker, i) => {
      worker.share = shares[i]!;
      worker.state = 'running';
      worker.link.send({ type: 'assign', config, share: shares[i]! });
    });
    tickTimer = setInterval(() => {
      if (!everReported) return;
      const snapshot = merger.merged();
      for (const listener of tickListeners) listener(snapshot);
    }, 1000);
    resolveStarted();
  }

  /** Splits the plan over `parts` shares and sends the first ones to the running workers. */
  function reshare(parts: number): Share[] {
    const shares = splitPlan(plan, parts);
    running().forEach((w, i) => {
      w.share = shares[i]!;
      w.link.send({ type: 'reshare', share: shares[i]! });
    });
    return shares;
  }

  function maybeFinish(): void {
    if (finished || !runStarted || running().length > 0) return;
    finished = true;
    clearInterval(tickTimer);
    for (const w of live()) w.link.send({ type: 'stop', mode: 'abort' });
    if (!everReported) {
      rejectDone(
        new OperationalError(
          `every worker was lost before sending a measurement, nothing to report (${lost.map((l) => `${l.label}: ${l.reason}`).join('; ')})`,
        ),
      );
      return;
    }
    const reports = workers.flatMap((w): WorkerReport[] =>
      w.share === null || (w.state !== 'done' && w.state !== 'lost')
        ? []
        : [
            {
              id: w.id,
              label: w.link.label,
              share: w.share,
              state: w.state,
              totals: w.totals,
              status: w.status,
              warnings: w.warnings,
            },
          ],
    );
    resolveDone({ snapshot: merger.merged(), partial: partialOf(), workers: reports });
  }

  function partialOf(): PartialResult | null {
    if (lost.length === 0) return null;
    const assigned = workers.filter((w) => w.share !== null).length;
    const parts = lost.map(
      (l) =>
        `${l.label} (segment ${formatSegment(l.share)}: ${describeShare(l.share)}) lost — ${l.reason}; ` +
        `its measurements up to second ${l.lastSnapshotS} are kept, later ones are missing`,
    );
    return {
      lostWorkers: lost.length,
      workers: assigned,
      notice: `partial result: ${lost.length} of ${assigned} workers lost. ${parts.join('. ')}`,
    };
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
          worker.state = 'done';
          setTimeout(() => worker.link.close('refused'), 100).unref();
          return;
        }
        worker.state = 'joined';
        worker.link.label = `${worker.link.label} [${worker.id} ${message.host}/${message.pid}]`;
        worker.link.send({
          type: 'welcome',
          protocol: own.protocol,
          version: own.version,
          workerId: worker.id,
        });
        if (workers.filter((w) => w.state === 'joined').length >= options.expectWorkers) startRun();
        return;
      }
      case 'snapshot':
        if (worker.state !== 'running') return;
        try {
          merger.add(worker.id, message.snapshot);
        } catch (err) {
          worker.link.close(`bad snapshot: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        everReported = true;
        worker.totals = message.snapshot.totals;
        worker.lastSnapshotS = merger.lastSecond(worker.id);
        return;
      case 'bye':
        if (worker.state !== 'running') return;
        if (message.reason === 'error') {
          markLost(worker, message.message ?? 'the share failed');
          return;
        }
        worker.state = 'done';
        // A worker before protocol 3 would be refused at hello; absent fields mean a plain end.
        worker.status = message.status ?? 'completed';
        worker.warnings = message.warnings ?? [];
        worker.link.close('done');
        maybeFinish();
        return;
      case 'heartbeat':
      case 'welcome':
      case 'refuse':
      case 'assign':
      case 'reshare':
      case 'stop':
        worker.link.close(`protocol: a master cannot receive ${message.type}`);
        return;
      default:
        unexpected(message);
    }
  }

  function markLost(worker: Worker, reason: string): void {
    if (worker.state === 'running' && worker.share !== null) {
      worker.state = 'lost';
      lost.push({
        label: worker.link.label,
        share: worker.share,
        reason,
        lastSnapshotS: worker.lastSnapshotS,
      });
      notice(
        `${worker.link.label} lost (${reason}): the run continues without segment ${formatSegment(worker.share)} (${describeShare(worker.share)}); ` +
          'the result will be marked partial',
      );
      if (!worker.link.closed) worker.link.close(reason);
      maybeFinish();
    } else if (worker.state === 'joined' || worker.state === 'connecting') {
      worker.state = 'lost';
      notice(`${worker.link.label} left before the run started (${reason})`);
    }
  }

  return {
    addLink(link) {
      if (finished) {
        link.close('the run is over');
        return;
      }
      const worker: Worker = {
        id: `w${nextId++}`,
        link,
        share: null,
        state: 'connecting',
        lastSnapshotS: 0,
        totals: null,
        status: null,
        warnings: [],
      };
      workers.push(worker);
      link.onMessage((message) => onMessage(worker, message));
      link.onClose((reason) => markLost(worker, reason));
    },
    started,
    onTick(listener) {
      tickListeners.add(listener);
      return () => tickListeners.delete(listener);
    },
    done,
    snapshot(snapshotOptions) {
      if (!everReported) return emptySnapshot();
      const merged = merger.merged();
      const after = snapshotOptions?.historyAfterS;
      return after === undefined
        ? merged
        : { ...merged, history: merged.history.filter((r) => r.elapsedS > after) };
    },
    setUsers(users) {
      plan = { ...plan, users };
      if (runStarted && !finished && running().length > 0) reshare(running().length);
    },
    stop(mode) {
      if (!runStarted) {
        fail(new OperationalError('stopped before the expected workers joined; nothing was measured'));
        return;
      }
      for (const w of running()) w.link.send({ type: 'stop', mode });
    },
  };
}

function emptySnapshot(): Snapshot {
  const recorder = createRecorder();
  try {
    return recorder.snapshot();
  } finally {
    recorder.close();
  }
}

/**
 * The programmatic entry to a load test: `startRun(config, { origin })` starts the executors over the
 * hot path and returns a RunHandle (live summaries each second, setUsers, stop, abort, the final
 * run.json). The CLI, the web UI and scale-out workers all drive runs through here.
 */

import { readControls } from './controls/control-keys.ts';
import type { ControlOptions } from './controls/options.ts';
import { mergeControls, resolveControls } from './controls/settings.ts';
import { createArrivals } from './engine/arrivals.ts';
import { createClosedExecutor, INSTANT_BACKOFF_MS } from './engine/executors/closed.ts';
import { createOpenExecutor } from './engine/executors/open.ts';
import { stageTotalS } from './engine/executors/stages.ts';
import type { Executor } from './engine/executors/types.ts';
import { createRequestBudget } from './engine/request-budget.ts';
import { createRequestControls } from './engine/request-controls.ts';
import type { ScenarioDefinition } from './engine/scenario/define.ts';
import { loadRunScenario } from './engine/scenario/load.ts';
import { BUILTIN_SCENARIOS } from './engine/scenario/options.ts';
import { createSelfCheck } from './engine/self-check.ts';
import type { RequestDeps } from './engine/stream-request.ts';
import { createSummaryFeed } from './engine/summary-feed.ts';
import { createTaskErrors } from './engine/task-errors.ts';
import { createTransport, transportWarnings } from './engine/transport.ts';
import { createUserFactory } from './engine/virtual-user.ts';
import { createRecorder } from './metrics/recorder.ts';
import type { Snapshot } from './metrics/snapshot.ts';
import type { MetricsSummary } from './metrics/types.ts';
import { getProtocol } from './protocols/index.ts';
import { currentEnvironment } from './report/environment.ts';
import { buildRunJson } from './report/run-json.ts';
import type { RunJson } from './report/types.ts';
import { redactConfig } from './run-config/resolve.ts';
import { segmentConfig } from './run-config/share-config.ts';
import type { RecordedConfig, RunConfig } from './run-config/types.ts';
import { lateMs } from './segments/start-at.ts';
import { goodRequest, type Objective, parseObjective } from './slo/objectives.ts';
import { evaluateThresholds, parseThreshold, type Threshold } from './slo/thresholds.ts';
import { createRandom } from './util/random.ts';

/** After the final cut, how long scenario code gets to return before it is abandoned. */
const ABANDON_GRACE_MS = 1000;

export interface StartRunOptions {
  /** The origin requests go to (the resolved `--target` or the embedded server's). */
  readonly origin: string;
  /** Extra warnings the caller knows about (e.g. from preflight). */
  readonly warnings?: readonly string[];
}

/**
 * The seam between a run and what drives or watches it (CLI, web UI, worker processes, a scaled
 * run's merge): `startRun` returns one. Here beside startRun, not in engine/, because `done` resolves
 * with run.json (report/), which the run assembles and the engine never sees.
 */
export interface RunHandle {
  /** Every second: the cumulative summary so far (history included). Returns an unsubscribe. */
  onTick(listener: (summary: MetricsSummary) => void): () => void;
  /** Change the target user count while running (closed model); spawns or retires users at the spawn rate. */
  setUsers(users: number): void;
  /** Graceful stop: no new requests; in-flight streams finish or are cut at the stop timeout. */
  stop(): void;
  /** Cut everything now; what was measured is still reported. */
  abort(): void;
  /**
   * The recorder's cumulative state as a mergeable snapshot (scale-out: a worker process sends it
   * every second; `historyAfterS` keeps only newer history rows). Stays valid after `done` resolves,
   * where it returns the final state.
   */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Resolves after the last in-flight request ends, with the final run.json object. */
  readonly done: Promise<RunJson>;
}

export interface LiveRunHandle extends RunHandle {
  /** Progress for the live view. */
  progress(): { elapsedMs: number; iterations: number; users: number; dropped: number; warnings: string[] };
}

/** How a run ended: what run.json records besides the configuration and the environment. */
export interface RunEnd {
  readonly snapshot: Snapshot;
  readonly status: RunJson['status'];
  readonly warnings: readonly string[];
  readonly startedAt: Date;
  /** The configuration as recorded (default: `config` redacted); a scaled run adds its placement. */
  readonly recorded?: RecordedConfig;
  /** Keep the whole snapshot (`--segment` runs: `streamload merge` needs it). */
  readonly keepSnapshot?: boolean;
}

/**
 * run.json of a run of `config` against `origin`: thresholds evaluated, config redacted, the
 * environment described. The one assembly for a single process and a scaled run (cli/scale-out.ts).
 */
export function runJsonOf(config: RunConfig, origin: string, end: RunEnd): RunJson {
  const thresholds = config.threshold.map((t) => parseThreshold(t) as Threshold);
  return buildRunJson({
    snapshot: end.snapshot,
    status: end.status,
    startedAt: end.startedAt,
    endedAt: new Date(),
    config: end.recorded ?? redactConfig(config),
    environment: currentEnvironment(origin, config),
    evaluate: (summary) => evaluateThresholds(thresholds, summary),
    warnings: end.warnings,
    ...(end.keepSnapshot === true ? { keepSnapshot: true } : {}),
  });
}

/** The client-side controls in effect: the run's own (flags, config file, env) over the scenario's `controls`. */
export function effectiveControls(config: RunConfig, scenario: ScenarioDefinition): ControlOptions {
  const own =
    scenario.controls === undefined ? undefined : readControls(scenario.controls, 'scenario controls');
  return mergeControls(config.controls, own);
}

export async function startRun(whole: RunConfig, options: StartRunOptions): Promise<LiveRunHandle> {
  // `--segment i/N`: this process does its share only; run.json records the whole config + segment.
  const config = segmentConfig(whole);
  const scenario = await loadRunScenario(config);
  const objectives = config.slo.map((expr) => parseObjective(expr) as Objective);
  const recorder = createRecorder({
    goodRequest: goodRequest(objectives),
    maxNamedSeries: config.maxSeries,
    ...(config.startAt == null ? {} : { startedAtMs: config.startAt }),
  });
  // `--start-at` already past (a segment that began late): the run still ends with the others.
  const late = lateMs(config.startAt, Date.now());
  const selfCheck = createSelfCheck(recorder);
  const tcp = { opened: 0, h2: 0 };
  const transport = createTransport(config, (protocol) => {
    recorder.tcpConnectionOpened(protocol);
    tcp.opened++;
    if (protocol === 'h2') tcp.h2++;
  });
  const { dispatcher } = transport;
  const inFlight: RequestDeps['inFlight'] = new Set();
  const taskErrors = createTaskErrors();
  const sleeps = new Set<NodeJS.Timeout>();
  /** Connection errors that were the generator's own limits (EMFILE…), by code: a closed set. */
  const exhausted = new Map<string, number>();
  const request: RequestDeps = {
    dispatcher,
    origin: options.origin,
    recorder,
    maxEventBytes: config.maxEventBytes,
    maxBodyBytes: config.maxBodySize,
    idleTimeoutMs: config.idleTimeout,
    onResourceExhausted: (code) => exhausted.set(code, (exhausted.get(code) ?? 0) + 1),
    inFlight,
  };
  const controlOptions = effectiveControls(config, scenario);
  const controls = createRequestControls({
    settings: resolveControls(
      controlOptions,
      undefined,
      // This process's share (--processes, workers, --segment): rate, burst and concurrency split.
      config.segment ?? undefined,
    ),
    recorder: recorder.controls,
    // Its own stream: turning retries on must not change which questions the users ask.
    random: createRandom(config.seed + 0x9e3779b9),
  });
  const budget = config.iterations === null ? undefined : createRequestBudget(config.iterations);
  const createUser = createUserFactory({
    ...(budget === undefined ? {} : { budget }),
    controls,
    config,
    protocol: getProtocol(config),
    request,
    random: createRandom(config.seed),
    scenario,
    onTaskError: (message) => taskErrors.add(message),
    onClassUsers: (name, users) => recorder.setClassUsers(name, users),
    sleeps,
    keepResponses: !(BUILTIN_SCENARIOS as readonly string[]).includes(config.scenario),
  });
  const onUsers = (users: number) => recorder.setUsers(users);
  const executor: Executor =
    config.rate !== null
      ? createOpenExecutor({
          rate: config.rate,
          stages: config.stages,
          iterations: config.iterations,
          maxInFlight: config.maxInFlight,
          // The whole run's seed: every segment computes the same schedule and takes its arrivals.
          nextGap: createArrivals({ kind: config.arrival, burstiness: config.burstiness, seed: whole.seed }),
          segment: config.segment ?? null,
          createUser,
          onUsers,
        })
      : createClosedExecutor({
          users: config.users,
          spawnRate: config.spawnRate,
          iterations: config.iterations,
          ...(budget === undefined ? {} : { requestsLeft: budget.left }),
          stages: config.stages,
          createUser,
          onUsers,
        });

  const feed = createSummaryFeed();
  let startedAt = new Date(config.startAt ?? Date.now());
  const startedMs = performance.now();
  let status: RunJson['status'] = 'completed';
  let finalSnapshot: Snapshot | undefined;
  let cutTimer: NodeJS.Timeout | undefined;
  let abandonTimer: NodeJS.Timeout | undefined;
  let abandoned = 0;

  const ticker = setInterval(() => {
    selfCheck.sample();
    recorder.tick();
    feed.publish(() => recorder.snapshot());
  }, 1000);
  const limitMs = config.runTime ?? (config.stages !== null ? stageTotalS(config.stages) * 1000 : null);
  // --warmup: the load runs that long first, then the recorder starts over, so nothing measured
  // during it (ramp-up, cold caches and connections) reaches any metric; the run time follows it.
  const warmupMs = config.warmup ?? 0;
  const warmupTimer =
    warmupMs > 0
      ? setTimeout(
          () => {
            recorder.reset();
            startedAt = new Date();
          },
          Math.max(0, warmupMs - late),
        )
      : undefined;
  const runTimer =
    limitMs === null ? undefined : setTimeout(() => endLoad(), Math.max(0, warmupMs + limitMs - late));

  /** No new iterations; streams still running get the stop timeout to finish, then are cut. */
  function endLoad(): void {
    executor.stop();
    controls.close();
    cutTimer ??= setTimeout(
      () => cutAll(`cut at the stop timeout (${config.stopTimeout} ms)`),
      config.stopTimeout,
    );
  }

  /**
   * Cuts every request in flight; scenario code still running a moment later (a task or hook that
   * never settles) is abandoned so the run ends by run time + stop timeout + ABANDON_GRACE_MS.
   */
  function cutAll(reason: string): void {
    for (const request of [...inFlight]) request.cut(new Error(reason));
    abandonTimer ??= setTimeout(() => {
      abandoned = executor.abandon();
      for (const timer of sleeps) clearTimeout(timer);
      sleeps.clear();
      recorder.abandoned(abandoned);
    }, ABANDON_GRACE_MS);
  }

  function warnings(): string[] {
    const list = [
      ...(options.warnings ?? []),
      ...transportWarnings(config, options.origin, tcp),
      ...selfCheck.warnings(),
    ];
    if (late >= 1000)
      list.push(
        `this segment began ${(late / 1000).toFixed(1)} s after --start-at: its first seconds are missing from the run`,
      );
    if (executor.dropped() > 0)
      list.push(
        `${executor.dropped()} arrivals dropped: ${config.maxInFlight} requests were already in flight (--max-in-flight)`,
      );
    list.push(...recorder.warnings(), ...taskErrors.warnings(), ...controls.warnings());
    for (const [code, count] of exhausted)
      list.push(
        `the load generator ran out of ${code === 'EMFILE' || code === 'ENFILE' ? 'file descriptors' : 'socket memory'} (${code}) ${count}×: those connection_errors are streamload's, not the server's — raise the open-file limit (ulimit -n) or lower --users`,
      );
    const instant = executor.instantIterations();
    if (instant > 0)
      list.push(
        `${instant} iterations settled at once without sending a request (a task with no I/O, or one that throws): each paused its user ${INSTANT_BACKOFF_MS} ms`,
      );
    if (abandoned > 0)
      list.push(
        `${abandoned} users' scenario code never settled (a task or hook awaiting forever): abandoned at the end and counted as cancelled`,
      );
    return list;
  }

  executor.start();

  const done = executor.done.then(async () => {
    controls.close();
    clearInterval(ticker);
    if (runTimer !== undefined) clearTimeout(runTimer);
    if (warmupTimer !== undefined) clearTimeout(warmupTimer);
    if (cutTimer !== undefined) clearTimeout(cutTimer);
    if (abandonTimer !== undefined) clearTimeout(abandonTimer);
    selfCheck.sample();
    selfCheck.close();
    recorder.tick(); // close the last, partial second so the history adds up to the totals
    finalSnapshot = recorder.snapshot();
    // run.json says what limited the client: the scenario's own controls included.
    const run = runJsonOf({ ...whole, controls: controlOptions }, options.origin, {
      snapshot: finalSnapshot,
      status,
      startedAt,
      warnings: warnings(),
      keepSnapshot: whole.segment !== null && whole.segment !== undefined,
    });
    recorder.close();
    await transport.close();
    return run;
  });

  return {
    onTick: (listener) => feed.subscribe(listener),
    setUsers: (users) => executor.setUsers(users),
    stop() {
      if (status === 'completed') status = 'stopped';
      executor.stop();
      controls.close();
      cutTimer ??= setTimeout(
        () => cutAll(`cut at the stop timeout (${config.stopTimeout} ms)`),
        config.stopTimeout,
      );
    },
    abort() {
      status = 'aborted';
      executor.stop();
      controls.close();
      cutAll('run aborted');
    },
    snapshot: (opts) => finalSnapshot ?? recorder.snapshot(opts),
    progress: () => ({
      elapsedMs: performance.now() - startedMs,
      // With --iterations, progress is in requests: the unit the user asked for.
      iterations: budget?.used() ?? executor.iterationsStarted(),
      users: executor.users(),
      dropped: executor.dropped(),
      warnings: warnings(),
    }),
    done,
  };
}

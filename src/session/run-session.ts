/**
 * One run session: embedded targets (when no --target), preflight, the run, the live view, Ctrl-C
 * handling, the summary, reports and the exit code. `run`, `demo` and `master` share it, and the web
 * UI observes it (`RunObserver`); it lives below both so web/ and cli/ never import each other.
 */

import { redactUrl } from '../config/redact.ts';
import { type EmbeddedTargets, startEmbeddedTargets } from '../engine/embedded-targets.ts';
import { preflight } from '../engine/preflight.ts';
import { proxyFor } from '../engine/proxy.ts';
import { loadRunScenario } from '../engine/scenario/load.ts';
import { BUILTIN_SCENARIOS } from '../engine/scenario/options.ts';
import { EXIT_INTERRUPTED, EXIT_USAGE, ExitError, UsageError } from '../errors.ts';
import type { GlobalState, Output, StopSignal } from '../global-state.ts';
import { type Monitor, type MonitorResult, startMonitor } from '../monitor/monitor.ts';
import { parseMonitorSpecs } from '../monitor/spec.ts';
import { getProtocol, servedByMockLlm } from '../protocols/index.ts';
import { withMonitor } from '../report/monitor.ts';
import { toJsonSummary } from '../report/run-json.ts';
import { renderSummaryText } from '../report/summary-text.ts';
import type { RunJson } from '../report/types.ts';
import { ReportWriteError, writeReports } from '../report/write.ts';
import { type LiveRunHandle, startRun } from '../run.ts';
import { segmentConfig } from '../run-config/share-config.ts';
import type { RunConfig } from '../run-config/types.ts';
import { formatSegment } from '../segments/shares.ts';
import { startLiveView } from './live-view.ts';
import { openFileWarning } from './open-files.ts';
import { prepareOutDir } from './out-dir.ts';
import { verdictOf } from './verdict.ts';

export interface SessionOptions {
  /** Extra args for `serve workflow` when the targets are embedded (e.g. mock LLM delays). */
  readonly embeddedArgs?: readonly string[];
  /** A label appended to the default report folder (demo: `-demo-llm`). */
  readonly label?: string;
  /** Starts the load; default `startRun`. Scale-out passes its own. */
  readonly start?: (config: RunConfig, origin: string) => Promise<LiveRunHandle>;
  /** Watches the run (the web UI): told when the load starts and when the reports are written. */
  readonly observer?: RunObserver;
  /**
   * Users whose sockets one process of this machine holds, for the `ulimit -n` warning: default
   * all of them; `--processes N` passes each child's share, `master` null (the workers hold them).
   */
  readonly usersPerProcess?: number | null;
}

export interface RunObserver {
  /** `monitor`: the target's latest samples (`--monitor`), null without sources. */
  started(handle: LiveRunHandle, config: RunConfig, monitor: Pick<Monitor, 'latest'> | null): void;
  finished(result: {
    readonly run: RunJson;
    readonly outDir: string;
    readonly files: readonly string[];
  }): void;
}

export interface SessionResult {
  readonly run: RunJson;
  readonly exitCode: number;
  readonly outDir: string;
}

/**
 * `state` is the process's stdio and stop signals (given by the CLI): the live view, summary and
 * notices go to stdout (stderr with --json-summary, whose JSON line keeps stdout), verdicts to stderr.
 */
export async function runSession(
  config: RunConfig,
  state: GlobalState,
  options: SessionOptions = {},
): Promise<SessionResult> {
  const log = config.jsonSummary ? state.stderr : state.stdout;
  // Before the targets, the preflight and the load: a bad --out must cost nothing.
  const outDir =
    config.format.length === 0 ? (config.out ?? '') : await prepareOutDir(config.out, options.label);
  const users = options.usersPerProcess === undefined ? config.users : options.usersPerProcess;
  const fdWarning = config.rate === null && users !== null ? openFileWarning(users) : null;
  if (fdWarning !== null) state.stderr.write(`streamload: ${fdWarning}\n`);
  return withSession(config, state, options, log, async (session) => {
    const { run, fatal } = await session.run(config, options);
    log.write(`\n${renderSummaryText(run)}`);
    // A full disk must not cost the verdict: the summary line and the verdict still come, then
    // the file that could not be written, and exit 2 (the reports are missing).
    let written: string[] = [];
    let writeError: ReportWriteError | null = null;
    try {
      written = await writeReports(run, { outDir, formats: config.format });
      log.write(`reports: ${written.length > 0 ? outDir : '(none: --format is empty)'}\n`);
    } catch (error) {
      if (!(error instanceof ReportWriteError)) throw error;
      writeError = error;
    }
    options.observer?.finished({ run, outDir, files: written });
    if (config.jsonSummary) state.stdout.write(`${JSON.stringify(toJsonSummary(run))}\n`);
    const verdict = verdictOf(run, fatal);
    for (const line of verdict.lines) state.stderr.write(`streamload: ${line}\n`);
    if (writeError !== null) {
      state.stderr.write(`streamload: ${writeError.message}: the reports in ${outDir} are incomplete\n`);
      return { run, outDir, exitCode: EXIT_USAGE };
    }
    return { run, outDir, exitCode: verdict.exitCode };
  });
}

/** One target, checked once, on which runs go one after another (`run`: one; `find-limit`: a step each). */
export interface Session {
  /**
   * One run to its end: the live view (unless `live` is false), the first stop signal stops it
   * gracefully, the second cuts it. `fatal`: the embedded targets died (the run was aborted).
   */
  run(
    config: RunConfig,
    options?: Pick<SessionOptions, 'start' | 'observer'> & { readonly live?: boolean },
  ): Promise<{ readonly run: RunJson; readonly fatal: string | null }>;
  /** A stop signal arrived: a caller with more runs to go should not start them. */
  readonly stopRequested: boolean;
  /** The target's origin (--target, or the embedded server's). */
  readonly origin: string;
}

/**
 * The target of a session — the embedded targets when there is no --target, closed at the end —
 * preflighted once, with the stop signals handled from the first moment: a signal during the
 * setup ends the session before any load (nothing measured, nothing to report); once a run loads,
 * the first stops it gracefully and the second cuts it, and the reports are written either way.
 */
export async function withSession<T>(
  config: RunConfig,
  state: Pick<GlobalState, 'stderr' | 'onStopSignal' | 'env' | 'selfEntry'>,
  options: Pick<SessionOptions, 'embeddedArgs'>,
  log: Output,
  use: (session: Session) => Promise<T>,
): Promise<T> {
  let embedded: EmbeddedTargets | undefined;
  let handle: LiveRunHandle | undefined;
  let fatal: string | null = null;
  let stopRequested = false;
  let interrupt!: (error: Error) => void;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = reject;
  });
  interrupted.catch(() => {});
  const beforeLoad = <T>(step: Promise<T>): Promise<T> => Promise.race([step, interrupted]);
  let over = false;
  const stopSignals = countedStopSignals(state, (signal, count) => {
    // After the session (reports written, embedded targets closing) a signal changes nothing:
    // handled and ignored, so it neither stops anything nor kills the process (143).
    if (over) return;
    stopRequested = true;
    if (handle === undefined) {
      interrupt(new ExitError(`${signal} before the load started: nothing was measured`, EXIT_INTERRUPTED));
    } else if (count === 1) {
      log.write(
        `\n${signal}: stopping — in-flight streams get ${config.stopTimeout / 1000} s to finish (press Ctrl-C again to cut them now)\n`,
      );
      handle.stop();
    } else {
      log.write(`\n${signal}: cutting in-flight streams now; what was measured is still reported\n`);
      handle.abort();
    }
  });
  try {
    const scenarioFile = !(BUILTIN_SCENARIOS as readonly string[]).includes(config.scenario);
    // A scenario file's shape (its users, tasks, weights, waits) and the classes and tags the run
    // chose are checked before the targets and the preflight: a bad one exits 2 without a byte
    // sent. The run's own load is then the cached module.
    await beforeLoad(loadRunScenario(config));
    let origin = config.target;
    if (origin === null) {
      if (state.selfEntry === undefined)
        throw new UsageError('--target: none given, and this program cannot start its embedded targets');
      embedded = await beforeLoad(startEmbeddedTargets(state.selfEntry, options.embeddedArgs));
      origin = servedByMockLlm(config.protocol) ? embedded.llmUrl : embedded.workflowUrl;
      log.write(`embedded targets: workflow server ${embedded.workflowUrl}, mock LLM ${embedded.llmUrl}\n`);
      // A dead embedded target is said at once and ends the run: every request after it would be a
      // connection_error of our own making, not the target's behaviour under load.
      embedded.onExit((description) => {
        fatal = description;
        state.stderr.write(`\nstreamload: ${description}; stopping the run, the reports are still written\n`);
        handle?.abort();
      });
    }
    await beforeLoad(preflight(config, getProtocol(config), origin, { reachabilityOnly: scenarioFile }));
    const target = origin;
    const session: Session = {
      async run(runConfig, runOptions = {}) {
        if (runConfig.startAt !== null && runConfig.startAt !== undefined)
          await untilStart(runConfig.startAt, log, interrupted);
        // The target's monitor samples from before the load to its end, in this process only (the
        // one that owns the run, never per worker); a source it cannot read now is exit 2.
        const monitor = await beforeLoad(startTargetMonitor(runConfig, state.env));
        let running: LiveRunHandle;
        try {
          running = await beforeLoad(
            (runOptions.start ?? ((c, o) => startRun(c, { origin: o })))(runConfig, target),
          );
        } catch (error) {
          monitor?.stop();
          throw error;
        }
        handle = running;
        if (fatal !== null) running.abort();
        let monitorResult: MonitorResult | undefined;
        const live = runOptions.live !== false;
        if (live) log.write(describeLoad(runConfig, target));
        if (live && runConfig.tls.insecure)
          log.write('WARNING: --insecure: TLS certificates are not verified (testing only)\n');
        runOptions.observer?.started(running, runConfig, monitor);
        const stopLive = live
          ? startLiveView(running, {
              intervalMs: runConfig.liveInterval,
              runTimeMs: runConfig.runTime,
              iterations: segmentConfig(runConfig).iterations,
              stream: log,
              ...(monitor === null
                ? {}
                : { extraLines: () => monitor.latestLines().map((l) => `  target ${l}`) }),
            })
          : () => {};
        let run: RunJson;
        try {
          run = await running.done;
        } finally {
          stopLive();
          if (monitor !== null) monitorResult = monitor.stop();
        }
        if (monitorResult !== undefined) run = withMonitor(run, monitorResult);
        return { run: fatal === null ? run : { ...run, warnings: [...run.warnings, fatal] }, fatal };
      },
      get stopRequested() {
        return stopRequested;
      },
      origin: target,
    };
    return await use(session);
  } finally {
    over = true;
    await embedded?.close();
    // Last, with nothing but microtasks up to the exit: no signal can fall in between.
    stopSignals();
  }
}

/** `--monitor`'s sources started and checked (null without any); a source that cannot be read is a UsageError. */
async function startTargetMonitor(config: RunConfig, env: GlobalState['env']): Promise<Monitor | null> {
  if (config.monitor.length === 0) return null;
  try {
    return await startMonitor(parseMonitorSpecs(config.monitor), {
      intervalMs: config.monitorInterval,
      dockerHost: env.DOCKER_HOST,
      selfPid: process.pid,
    });
  } catch (error) {
    throw new UsageError(`--monitor ${(error as Error).message}`);
  }
}

/** SIGINT, SIGTERM and SIGHUP (a closed terminal) all stop the run; `count` says which time it is. */
function countedStopSignals(
  state: Pick<GlobalState, 'onStopSignal'>,
  handler: (signal: StopSignal, count: number) => void,
): () => void {
  let count = 0;
  return state.onStopSignal((signal) => handler(signal, ++count));
}

/** Waits for `--start-at` (a signal ends the wait: the timer is cleared, nothing keeps the process). */
async function untilStart(startAtMs: number, log: Output, interrupted: Promise<never>) {
  const waitMs = startAtMs - Date.now();
  if (waitMs <= 0) return;
  log.write(
    `waiting for --start-at ${new Date(startAtMs).toISOString()} (in ${(waitMs / 1000).toFixed(1)} s)\n`,
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, waitMs))), interrupted]);
  } finally {
    clearTimeout(timer);
  }
}

/** The start banner: the load as it will really run (stages, rates, iterations, transport). */
export function describeLoad(whole: RunConfig, origin: string): string {
  const config = segmentConfig(whole);
  const segment =
    whole.segment === undefined || whole.segment === null
      ? ''
      : ` (segment ${formatSegment(whole.segment)}: ${whole.rate === null ? 'its share of the users and work' : `every ${whole.segment.of === 1 ? '' : `${whole.segment.of}th `}arrival of the schedule`})`;
  const stages =
    config.stages === null ? '' : config.stages.map((s) => `${s.durationS} s → ${s.target}`).join(', ');
  const shape =
    config.rate !== null
      ? config.stages === null
        ? `open model at ${config.rate} requests/s, ${config.arrival === 'gamma' ? `gamma arrivals (burstiness ${config.burstiness})` : `${config.arrival} arrivals`}`
        : `open model, arrival-rate stages ${stages} requests/s`
      : config.stages === null
        ? `${config.users} users (spawn ${config.spawnRate}/s)`
        : `user stages ${stages} users (spawn ${config.spawnRate}/s)`;
  const work = config.iterations === null ? '' : `, ${config.iterations} requests`;
  const time = config.runTime === null ? '' : ` for ${config.runTime / 1000} s`;
  const proxy = proxyFor(config.proxy, origin);
  const via = [
    ...(proxy === null ? [] : [`via proxy ${redactUrl(proxy)}`]),
    ...(config.http2 ? ['offering HTTP/2'] : []),
  ];
  // What the run chose of the scenario file (`--user-class`, `--tags`, `--exclude-tags`).
  const chosen = [
    ...(config.userClass.length === 0 ? [] : [`classes ${config.userClass.join(', ')}`]),
    ...(config.tags.length === 0 ? [] : [`tags ${config.tags.join(', ')}`]),
    ...(config.excludeTags.length === 0 ? [] : [`without tags ${config.excludeTags.join(', ')}`]),
  ];
  const scenario = `scenario "${config.scenario}"${chosen.length === 0 ? '' : ` (${chosen.join('; ')})`}`;
  return `load: ${config.protocol} ${config.responseMode} ${scenario} → ${redactUrl(origin)}${via.length === 0 ? '' : ` (${via.join(', ')})`}, ${shape}${work}${time}${segment}\n`;
}

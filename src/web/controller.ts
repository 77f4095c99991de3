/**
 * The web UI's model of one process: at most one run at a time, started from the page (`streamload
 * web`) or from the command line (`run --web`), watched through `subscribe`, changed with
 * setUsers/stop/reset. Runs go through the same session as `streamload run` (embedded targets,
 * preflight, live console, reports), so a run from the page leaves the same files behind.
 */
import { basename, resolve as resolvePath } from 'node:path';
import { redactSecrets } from '../config/redact.ts';
import { loadScenario } from '../engine/scenario/load.ts';
import { BUILTIN_SCENARIOS } from '../engine/scenario/options.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import type { Monitor } from '../monitor/monitor.ts';
import type { MonitorValues } from '../monitor/types.ts';
import type { LiveRunHandle } from '../run.ts';
import { convertOption } from '../run-config/fields.ts';
import { resolveRunConfig } from '../run-config/resolve.ts';
import type { RunConfig } from '../run-config/types.ts';
import type { RunObserver } from '../session/run-session.ts';
import { type ReportLink, type Tick, toTick, type View, type WebState } from './feed.ts';
import { FORM_OPTIONS, formFields, formLabel, formValues, isBlankable } from './form.ts';
import { WEB_OPTIONS } from './options.ts';
import { type PrometheusInput, renderPrometheus } from './prometheus.ts';

/** A refusal the server turns into an HTTP status with a JSON `{ error }` body. */
export class WebError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export type Session = (config: RunConfig, observer: RunObserver) => Promise<unknown>;

export interface WebControllerOptions {
  /** Flags from the command line: the form's defaults and everything the form does not set. */
  readonly baseFlags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Scenario files the operator named on the command line (`web --scenario FILE`, repeatable): with
   * the built-ins, the only scenarios the page may choose. Anything else would let whoever can
   * reach the page import (run) any .js/.ts file on this machine.
   */
  readonly scenarioFiles?: readonly string[];
  /** Runs one configured test to its end (the CLI's run session); absent under `run --web`. */
  readonly session?: Session;
}

type Listener = (event: 'view' | 'tick', data: View | Tick) => void;

const MAX_USERS = 1_000_000;

export class WebController implements RunObserver {
  private state: WebState = 'idle';
  private message = '';
  private handle: LiveRunHandle | undefined;
  private config: RunConfig | undefined;
  private summary: MetricsSummary | undefined;
  private sentPoints = 0;
  private reportDir: string | null = null;
  private reportFiles = new Map<string, string>();
  private finalRun: MetricsSummary | undefined;
  /** The finished run's histograms (run.json's), for /metrics' buckets after the run. */
  private finalHistograms: Readonly<Record<string, string>> | undefined;
  /** The run's `--monitor` (null without), and its samples by elapsed second as the feed sent them. */
  private monitor: Pick<Monitor, 'latest'> | null = null;
  private monitorAt = new Map<number, Readonly<Record<string, MonitorValues>>>();
  private active: Promise<unknown> | undefined;
  private readonly listeners = new Set<Listener>();
  /** What the form shows: the command line's values, then the last submitted ones (secrets never). */
  private form: Record<string, string>;

  private readonly options: WebControllerOptions;
  /** Absolute paths of the scenario files the page may choose. */
  private readonly scenarioFiles: readonly string[];
  /** The user classes of those files: the choices of the form's user-class field. */
  private userClasses: readonly string[] = [];

  constructor(options: WebControllerOptions) {
    this.options = options;
    this.scenarioFiles = [...new Set((options.scenarioFiles ?? []).map((f) => resolvePath(options.cwd, f)))];
    this.form = formValues(options.baseFlags);
    void this.readUserClasses();
  }

  /** Reads the named files' classes once; a file that does not load is said when a run chooses it. */
  private async readUserClasses(): Promise<void> {
    const loaded = await Promise.allSettled(this.scenarioFiles.map((file) => loadScenario(file)));
    const names = loaded.flatMap((r) => (r.status === 'fulfilled' ? r.value.users.map((u) => u.name) : []));
    if (names.length === 0) return;
    this.userClasses = [...new Set(names)];
    this.broadcast('view', this.view());
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): View {
    const handle = this.handle;
    return {
      state: this.state,
      message: this.message,
      canStart: this.options.session !== undefined,
      canChangeUsers: this.state === 'running' && this.config?.rate === null,
      // Secret fields are never sent back (form.ts); what else the page shows of a config goes
      // through the one redaction, like run.json does.
      form: formFields(redactSecrets(this.form) as Record<string, string>, {
        scenario: [...BUILTIN_SCENARIOS, ...this.scenarioFiles],
        userClass: this.userClasses,
      }),
      reportDir: this.reportDir,
      reports: [...this.reportFiles.keys()].map((name): ReportLink => ({ name, href: `/reports/${name}` })),
      warnings: handle === undefined ? [] : handle.progress().warnings,
      tick: this.summary === undefined ? null : this.toTick(this.summary, 0),
    };
  }

  prometheus(): string {
    const last = this.summary?.history.at(-1);
    const running = this.state === 'running' || this.state === 'stopping';
    const input: PrometheusInput = {
      summary: this.finalRun ?? this.summary,
      // While running, the live snapshot's (decoded per scrape, not per second: off the hot path).
      histograms: this.finalRun === undefined ? this.handle?.snapshot().histograms : this.finalHistograms,
      users: running ? (this.handle?.progress().users ?? 0) : 0,
      activeConnections: running ? (last?.activeConnections ?? 0) : 0,
      running,
    };
    return renderPrometheus(input);
  }

  /** A report file of the last finished run, by its file name, and the folder it must be in. */
  reportPath(name: string): { readonly dir: string; readonly path: string } | undefined {
    const path = this.reportFiles.get(name);
    return path === undefined || this.reportDir === null ? undefined : { dir: this.reportDir, path };
  }

  /** Resolves once the load is running; rejects with a WebError for a bad form or a failed preflight. */
  async start(form: Partial<Record<string, unknown>>): Promise<void> {
    const session = this.options.session;
    if (session === undefined) throw new WebError(409, 'this run was configured on the command line');
    if (this.isActive()) throw new WebError(409, 'a run is already active: stop it first');
    const config = this.configFrom(form);
    this.form = Object.fromEntries(FORM_OPTIONS.map((name) => [name, String(form[name] ?? '').trim()]));
    this.clear();
    this.setState('starting', '');
    await this.settled(); // the previous session may still be closing its embedded targets
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const observer: RunObserver = {
      started: (handle, c, monitor) => {
        this.started(handle, c, monitor);
        started();
      },
      finished: (result) => this.finished(result),
    };
    const active = session(config, observer).then(
      () => {},
      (error: Error) => {
        this.handle = undefined;
        this.setState('failed', error.message);
        throw new WebError(400, error.message);
      },
    );
    this.active = active;
    void active
      .catch(() => {})
      .finally(() => {
        if (this.active === active) this.active = undefined;
      });
    await Promise.race([running, active]);
  }

  started(handle: LiveRunHandle, config: RunConfig, monitor: Pick<Monitor, 'latest'> | null = null): void {
    this.handle = handle;
    this.config = config;
    this.summary = undefined;
    this.sentPoints = 0;
    this.monitor = monitor;
    this.monitorAt = new Map();
    handle.onTick((summary) => this.tick(summary));
    this.setState('running', '');
  }

  finished(result: {
    readonly run: MetricsSummary & { readonly histograms: Readonly<Record<string, string>> };
    readonly outDir: string;
    readonly files: readonly string[];
  }): void {
    this.finalRun = result.run;
    this.finalHistograms = result.run.histograms;
    this.summary = result.run;
    this.handle = undefined;
    this.reportDir = result.outDir;
    this.reportFiles = new Map(result.files.map((path) => [basename(path), path]));
    this.setState('finished', '');
  }

  setUsers(users: unknown): void {
    const n = typeof users === 'number' ? users : Number(users);
    if (!Number.isInteger(n) || n < 0 || n > MAX_USERS) {
      throw new WebError(400, `users: expected an integer 0-${MAX_USERS}, got ${JSON.stringify(users)}`);
    }
    if (this.handle === undefined || this.state !== 'running') throw new WebError(409, 'no run is active');
    if (this.config?.rate !== null) {
      throw new WebError(409, 'this run uses the open model (--rate): it has no user count to change');
    }
    this.handle.setUsers(n);
    this.message = `users set to ${n}`;
    this.broadcast('view', this.view());
  }

  /** Graceful stop of the active run; its reports are written as at the end of any run. */
  stop(): void {
    if (this.handle === undefined || this.state !== 'running') throw new WebError(409, 'no run is active');
    this.handle.stop();
    this.setState('stopping', 'stopping: in-flight streams may finish');
  }

  /** Back to the start form; the finished run's files stay on disk. */
  reset(): void {
    if (this.isActive()) throw new WebError(409, 'a run is active: stop it before resetting');
    this.clear();
    this.setState('idle', '');
  }

  /** The active run's end (used when the process is asked to exit). */
  async settled(): Promise<void> {
    await this.active?.catch(() => {});
  }

  private isActive(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'stopping';
  }

  private tick(summary: MetricsSummary): void {
    this.summary = summary;
    // The target's samples of this second, kept by second so a reconnecting page gets them all.
    const last = summary.history.at(-1);
    if (this.monitor !== null && last !== undefined) this.monitorAt.set(last.elapsedS, this.monitor.latest());
    const tick = this.toTick(summary, Math.min(this.sentPoints, summary.history.length));
    this.sentPoints = summary.history.length;
    this.broadcast('tick', tick);
  }

  /** The feed's tick, live points carrying the target's samples (a finished run's rows have their own). */
  private toTick(summary: MetricsSummary, from: number): Tick {
    const tick = toTick(summary, from);
    if (this.monitorAt.size === 0) return tick;
    return {
      ...tick,
      points: tick.points.map((p) =>
        p.monitor === null ? { ...p, monitor: this.monitorAt.get(p.t) ?? null } : p,
      ),
    };
  }

  private clear(): void {
    this.summary = undefined;
    this.finalRun = undefined;
    this.finalHistograms = undefined;
    this.monitor = null;
    this.monitorAt = new Map();
    this.sentPoints = 0;
    this.reportDir = null;
    this.reportFiles = new Map();
    this.config = undefined;
  }

  private setState(state: WebState, message: string): void {
    this.state = state;
    this.message = message;
    this.broadcast('view', this.view());
  }

  private broadcast(event: 'view' | 'tick', data: View | Tick): void {
    for (const listener of this.listeners) listener(event, data);
  }

  /** A built-in name, or the absolute path of a file the operator named; else a 400. */
  private allowedScenario(value: string): string {
    if ((BUILTIN_SCENARIOS as readonly string[]).includes(value)) return value;
    const path = resolvePath(this.options.cwd, value);
    if (this.scenarioFiles.includes(path)) return path;
    throw new WebError(
      400,
      `scenario: choose a built-in (${BUILTIN_SCENARIOS.join(', ')})${
        this.scenarioFiles.length === 0
          ? ''
          : ` or a file named with \`web --scenario\` (${this.scenarioFiles.join(', ')})`
      }; other files are never loaded from the page`,
    );
  }

  /** The form's strings, converted like the same flags would be; errors name the form field. */
  private configFrom(form: Partial<Record<string, unknown>>): RunConfig {
    const flags: Record<string, unknown> = { ...this.options.baseFlags };
    for (const key of FORM_OPTIONS) {
      const raw = form[key];
      if (raw === undefined || raw === null || String(raw).trim() === '') {
        // The embedded targets (two child processes on this machine) are started only by a UI
        // started for them, without --target. Else an omitted target is the operator's --target,
        // and an emptied one is refused rather than quietly spawning processes.
        if (key === 'target' && this.options.baseFlags.target !== undefined) {
          if (raw === undefined) continue;
          throw new WebError(
            400,
            'target: give the URL to load; this UI was started with --target, and only one started without it runs the embedded targets',
          );
        }
        // An emptied target means the embedded targets; an empty protocol, the scenario's own.
        if (isBlankable(key)) delete flags[key];
        continue;
      }
      if (key === 'scenario') {
        flags[key] = this.allowedScenario(String(raw).trim());
        continue;
      }
      try {
        flags[key] = convertOption(key, String(raw).trim(), formLabel(key));
      } catch (error) {
        throw new WebError(400, (error as Error).message);
      }
    }
    try {
      return resolveRunConfig({
        flags,
        env: this.options.env,
        cwd: this.options.cwd,
        alsoInFile: WEB_OPTIONS,
      });
    } catch (error) {
      throw new WebError(400, (error as Error).message);
    }
  }
}

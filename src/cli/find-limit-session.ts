/**
 * `streamload find-limit` from the CLI's side: one target (embedded or --target, preflighted once),
 * then each step a real run through the same code as `streamload run` (run-session's withSession, optionally
 * over --processes), its run.json written to its own folder, a row printed as it ends; finally
 * find-limit.json, report.md, report.html and the closing line.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration } from '../config/units.ts';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../errors.ts';
import { stepChecks } from '../find-limit/checks.ts';
import {
  FIND_LIMIT_SCHEMA,
  type FindLimitJson,
  findLimitMarkdown,
  limitLine,
  liveHeader,
  liveRow,
  type StepRow,
  stepRow,
} from '../find-limit/report.ts';
import { findLimit } from '../find-limit/runner.ts';
import type { SearchBounds } from '../find-limit/search.ts';
import type { GlobalState, Output } from '../global-state.ts';
import { currentEnvironment } from '../report/environment.ts';
import type { RunJson } from '../report/types.ts';
import { writeFileAtomic, writeReports } from '../report/write.ts';
import type { LiveRunHandle } from '../run.ts';
import type { RunConfig } from '../run-config/types.ts';
import { prepareOutDir } from '../session/out-dir.ts';
import { withSession } from '../session/run-session.ts';

export interface FindLimitSettings {
  readonly bounds: SearchBounds;
  readonly stepTimeMs: number;
  readonly warmupMs: number;
  readonly budgetMs: number;
  readonly maxErrorRate: number;
  readonly sloPercentile: number;
  /** `--processes`: every step split over that many local workers. */
  readonly processes: string | undefined;
  /** The user chose the spawn rate; otherwise each step's users all start in the warmup's first half. */
  readonly spawnRateGiven: boolean;
  /** Extra args for the embedded targets (the demo gives its mock a capacity). */
  readonly embeddedArgs?: readonly string[];
  readonly label?: string;
  readonly log?: Output;
}

/** Margin for a step's stop and report beyond warmup + step time, in the budget arithmetic. */
const STEP_OVERHEAD_MS = 3_000;

export async function runFindLimit(
  base: RunConfig,
  state: GlobalState,
  settings: FindLimitSettings,
): Promise<number> {
  const log = settings.log ?? state.stdout;
  const stepMs = settings.warmupMs + settings.stepTimeMs + STEP_OVERHEAD_MS;
  // The budget bounds the whole search: a first step that cannot end inside it is refused up front.
  if (stepMs > settings.budgetMs)
    throw new UsageError(
      `--budget: ${formatDuration(settings.budgetMs)} is shorter than one step (${formatDuration(settings.warmupMs)} warmup + ${formatDuration(settings.stepTimeMs)} measured + ${formatDuration(STEP_OVERHEAD_MS)} to stop and report): raise --budget to at least ${formatDuration(stepMs)}, or shorten --step-time or --warmup`,
    );
  const outDir = await prepareOutDir(base.out, settings.label ?? '-find-limit');
  const unit = base.rate === null ? 'users' : 'requests/s';
  const checks = stepChecks({
    slos: base.slo,
    percentile: settings.sloPercentile,
    thresholds: base.threshold,
    maxErrorRate: settings.maxErrorRate,
  });
  const start = await startFor(settings.processes, state);
  const startedAt = new Date();
  const rows: StepRow[] = [];
  return withSession(base, state, settings, log, async (session) => {
    log.write(
      `find-limit: ${unit === 'users' ? 'closed model, users' : 'open model, arrivals/s'} from ${settings.bounds.start} up to ${settings.bounds.max}; each step ${settings.warmupMs / 1000} s warmup + ${settings.stepTimeMs / 1000} s measured; budget ${settings.budgetMs / 1000} s\n` +
        `a step holds when: ${checks.join(', ')}\n\n${liveHeader()}`,
    );
    const configFor = (load: number, dir: string): RunConfig => ({
      ...base,
      ...(unit === 'users'
        ? {
            users: load,
            spawnRate: settings.spawnRateGiven
              ? base.spawnRate
              : load / Math.max(0.5, settings.warmupMs / 2000),
          }
        : { rate: load }),
      // A step is a timed run, whatever a --profile preset would bring.
      iterations: null,
      stages: null,
      runTime: settings.stepTimeMs,
      warmup: settings.warmupMs,
      threshold: checks,
      out: dir,
      format: ['json'],
      jsonSummary: false,
    });
    const result = await findLimit<RunJson>({
      bounds: settings.bounds,
      budgetMs: settings.budgetMs,
      stepMs,
      nowMs: () => performance.now(),
      shouldStop: () => session.stopRequested,
      runStep: async (load, index) => {
        const dir = stepDir(index, load, unit);
        const config = configFor(load, join(outDir, dir));
        const { run } = await session.run(config, { live: false, ...(start === undefined ? {} : { start }) });
        await writeReports(run, { outDir: join(outDir, dir), formats: ['json'] });
        return run;
      },
      onStep: (step) => {
        const row = stepRow(
          step,
          `step-${String(step.index).padStart(2, '0')}-${step.load}${unit === 'users' ? 'users' : 'rps'}`,
        );
        rows.push(row);
        log.write(liveRow(row, unit));
      },
    });
    const limit = limitLine(result, unit, unit === 'users' ? '--max-users' : '--max-rate');
    const report: FindLimitJson = {
      schema: FIND_LIMIT_SCHEMA,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      unit,
      bounds: settings.bounds,
      stepTimeMs: settings.stepTimeMs,
      warmupMs: settings.warmupMs,
      budgetMs: settings.budgetMs,
      checks,
      outcome: result.outcome,
      cutShort: result.cutShort,
      limit,
      steps: rows,
      environment: currentEnvironment(session.origin),
    };
    await writeFindLimitReports(report, outDir);
    log.write(
      `\n${limit}\nreports: ${outDir} (find-limit.json, report.md, report.html; each step's run.json in step-NN-*/)\n`,
    );
    return result.outcome.held === null ? EXIT_THRESHOLD : EXIT_OK;
  });
}

/** `step-03-40users`, `step-05-82.5rps`: a step's folder inside the report folder. */
function stepDir(index: number, load: number, unit: FindLimitJson['unit']): string {
  return `step-${String(index).padStart(2, '0')}-${load}${unit === 'users' ? 'users' : 'rps'}`;
}

/** Each step's starter: in this process, or split over --processes like `run --processes`. */
async function startFor(
  processes: string | undefined,
  state: GlobalState,
): Promise<((config: RunConfig, origin: string) => Promise<LiveRunHandle>) | undefined> {
  if (processes === undefined || processes === '1') return undefined;
  const { parseProcesses } = await import('../distributed/index.ts');
  const { startScaledSession } = await import('./scale-out.ts');
  const count = parseProcesses(processes);
  return (config, origin) =>
    startScaledSession(config, origin, { kind: 'processes', processes: count }, state);
}

async function writeFindLimitReports(report: FindLimitJson, outDir: string): Promise<void> {
  const { findLimitHtml } = await import('../find-limit/html.ts');
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [
    ['find-limit.json', `${JSON.stringify(report, null, 2)}\n`],
    ['report.md', findLimitMarkdown(report)],
    ['report.html', await findLimitHtml(report)],
  ];
  for (const [name, text] of files) await writeFileAtomic(join(outDir, name), text);
}

import type { Command } from 'commander';
import { duration, positiveInteger, probability } from '../../config/units.ts';
import { UsageError } from '../../errors.ts';
import { PERCENTILES } from '../../metrics/names.ts';
import type { CliContext } from '../context.ts';
import { addRunOptions, typedFlags } from '../run-options.ts';

/** find-limit's own flags (the load options are `run`'s). */
const OWN = [
  'stepTime',
  'resolution',
  'maxUsers',
  'maxRate',
  'budget',
  'maxErrorRate',
  'sloPercentile',
  'processes',
] as const;

function positiveNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value))
      throw new UsageError(`${option}: expected a number > 0, got "${text}"`);
    return value;
  };
}

function percentile(text: string): number {
  const value = Number(text.replace(/^p/, ''));
  if (!(PERCENTILES as readonly number[]).includes(value))
    throw new UsageError(`--slo-percentile: expected one of ${PERCENTILES.join(', ')}, got "${text}"`);
  return value;
}

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('find-limit')
    .description('Step the load up until an SLO or threshold breaks; report the highest load that held')
    .option('--step-time <dur>', 'measured time of each step (default 30s)', duration('--step-time'))
    .option(
      '--resolution <pct>',
      'stop bisecting when broke/held ≤ 1 + this (default 10%)',
      probability('--resolution'),
    )
    .option(
      '--max-users <n>',
      'closed model: the highest user count to try (default 1000)',
      positiveInteger('--max-users'),
    )
    .option(
      '--max-rate <n>',
      'open model: the highest arrival rate to try (default 1000)',
      positiveNumber('--max-rate'),
    )
    .option(
      '--budget <dur>',
      'no step starts that cannot end within this (default 10m)',
      duration('--budget'),
    )
    .option(
      '--max-error-rate <pct>',
      'a step breaks at this error rate or above (default 1%)',
      probability('--max-error-rate'),
    )
    .option(
      '--slo-percentile <p>',
      'each --slo must hold for this percentile of requests (default 95)',
      percentile,
    )
    .option('--processes <n|auto>', 'worker processes on this machine for every step');
  addRunOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Closed model (default): steps the number of users, starting at --users. Open model: give --rate,
and the steps are arrival rates starting there. Each step runs --warmup (default 5s, not measured),
then --step-time measured: a real run whose run.json lands in <out>/step-NN-<load>/. The climb
doubles the load until a step breaks, then bisects between the last load that held and the first
that broke until they are within --resolution.

A step holds when every --slo holds at --slo-percentile (ttft<500ms → ttft.p95<500ms), every
--threshold passes, and the error rate stays under --max-error-rate.

Examples:
  streamload find-limit --target http://127.0.0.1:8000 --protocol openai --slo 'ttft<500ms'
  streamload find-limit --target http://127.0.0.1:8000 --protocol openai --rate 10 --max-rate 500 \\
    --slo 'ttft<1s' --slo 'tpot<50ms' --step-time 20s --budget 5m

Exit codes: 0 a limit was found (or the maximum held), 1 even the first step broke, 2 bad usage.`,
  );
  action(cmd, async () => {
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { runFindLimit } = await import('../find-limit-session.ts');
    const flags = typedFlags(cmd);
    const own: Record<string, unknown> = {};
    for (const key of OWN) {
      own[key] = flags[key];
      delete flags[key];
    }
    for (const [key, flag] of [
      ['runTime', '--run-time (each step lasts --step-time)'],
      ['iterations', '--iterations'],
      ['stages', '--stages'],
    ] as const)
      if (flags[key] !== undefined) throw new UsageError(`find-limit: ${flag} does not apply to find-limit`);
    const config = resolveRunConfig({ flags, env: state.env, cwd: state.cwd });
    const open = config.rate !== null;
    if (open && own.maxUsers !== undefined)
      throw new UsageError('--max-users: the open model (--rate) steps the rate: use --max-rate');
    if (!open && own.maxRate !== undefined) throw new UsageError('--max-rate: needs --rate (the open model)');
    const resolution = (own.resolution as number | undefined) ?? 0.1;
    if (resolution <= 0) throw new UsageError('--resolution: must be above 0%');
    const start = open ? (config.rate as number) : config.users;
    const max = open
      ? ((own.maxRate as number | undefined) ?? 1000)
      : ((own.maxUsers as number | undefined) ?? 1000);
    if (max < start)
      throw new UsageError(
        `${open ? '--max-rate' : '--max-users'}: ${max} is below the first step (${open ? '--rate' : '--users'} ${start})`,
      );
    return runFindLimit(config, state, {
      bounds: { start, max, resolution, integer: !open },
      stepTimeMs: (own.stepTime as number | undefined) ?? 30_000,
      warmupMs: flags.warmup === undefined ? 5_000 : config.warmup,
      budgetMs: (own.budget as number | undefined) ?? 600_000,
      maxErrorRate: (own.maxErrorRate as number | undefined) ?? 0.01,
      sloPercentile: (own.sloPercentile as number | undefined) ?? 95,
      processes: own.processes === undefined ? undefined : String(own.processes),
      spawnRateGiven: flags.spawnRate !== undefined,
    });
  });
}

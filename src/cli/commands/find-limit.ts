import type { Command } from 'commander';
import { resolveTable } from '../../config/resolve-options.ts';
import { UsageError } from '../../errors.ts';
import { FIND_LIMIT_OPTIONS } from '../../find-limit/options.ts';
import { OPTIONS } from '../../run-config/fields.ts';
import { addOptions, givenOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { addRunOptions, typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('find-limit')
    .description('Step the load up until an SLO or threshold breaks; report the highest load that held')
    .option('--processes <n|auto>', 'worker processes on this machine for every step');
  addOptions(cmd, FIND_LIMIT_OPTIONS);
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
    const given = givenOwnOptions(FIND_LIMIT_OPTIONS, flags, state, OPTIONS);
    const own = resolveTable(FIND_LIMIT_OPTIONS, given);
    for (const [key, flag] of [
      ['runTime', '--run-time (each step lasts --step-time)'],
      ['iterations', '--iterations'],
      ['stages', '--stages'],
    ] as const)
      if (flags[key] !== undefined) throw new UsageError(`find-limit: ${flag} does not apply to find-limit`);
    const config = resolveRunConfig({
      flags,
      env: state.env,
      cwd: state.cwd,
      alsoInFile: FIND_LIMIT_OPTIONS,
    });
    const open = config.rate !== null;
    if (open && given.maxUsers !== undefined)
      throw new UsageError('--max-users: the open model (--rate) steps the rate: use --max-rate');
    if (!open && given.maxRate !== undefined)
      throw new UsageError('--max-rate: needs --rate (the open model)');
    const { resolution } = own;
    if (resolution <= 0) throw new UsageError('--resolution: must be above 0%');
    const start = open ? (config.rate as number) : config.users;
    const max = open ? own.maxRate : own.maxUsers;
    if (max < start)
      throw new UsageError(
        `${open ? '--max-rate' : '--max-users'}: ${max} is below the first step (${open ? '--rate' : '--users'} ${start})`,
      );
    return runFindLimit(config, state, {
      bounds: { start, max, resolution, integer: !open },
      stepTimeMs: own.stepTime,
      warmupMs: flags.warmup === undefined ? 5_000 : config.warmup,
      budgetMs: own.budget,
      maxErrorRate: own.maxErrorRate,
      sloPercentile: own.sloPercentile,
      processes: flags.processes === undefined ? undefined : String(flags.processes),
      spawnRateGiven: flags.spawnRate !== undefined,
    });
  });
}

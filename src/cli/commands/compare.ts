import type { Command } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('compare')
    .description('Compare the benchmark tables of two runs; exit 1 on a regression beyond the tolerance')
    .argument('<a.json>', 'the baseline run.json')
    .argument('<b.json>', 'the candidate run.json')
    .option('--format <md|txt>', 'output format', 'txt')
    .option('--tolerance <pct>', 'allowed relative change before a regression, e.g. 5%', '5%');
  action(cmd, async (a: string, b: string, flags: { format: string; tolerance: string }) => {
    if (flags.format !== 'md' && flags.format !== 'txt')
      throw new UsageError(`--format: expected md or txt, got "${flags.format}"`);
    const match = /^(\d+(?:\.\d+)?)%?$/.exec(flags.tolerance.trim());
    if (match === null)
      throw new UsageError(`--tolerance: expected a percentage like 5%, got "${flags.tolerance}"`);
    const { loadRunJson } = await import('../../report/load.ts');
    const { compareRuns, renderComparison } = await import('../../report/compare.ts');
    const [runA, runB] = await Promise.all([loadRunJson(a), loadRunJson(b)]);
    const values = compareRuns(runA, runB, Number(match[1]) / 100);
    state.stdout.write(renderComparison(values, flags.format, [a, b]));
    return values.some((v) => v.regression) ? EXIT_THRESHOLD : EXIT_OK;
  });
}

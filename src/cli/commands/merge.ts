import type { Command } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../../errors.ts';
import { MERGE_OPTIONS } from '../../report/options.ts';
import { addConfigOption, addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('merge')
    .description('Merge the run.json files of --segment runs exactly into one run and write its reports')
    .argument(
      '<inputs...>',
      'run.json files, or folders holding one (a folder without run.json: its subfolders’ run.json)',
    )
    .addHelpText(
      'after',
      `
Refuses (exit 2) files of different run configurations, overlapping or differently-sized segments,
and runs without --segment. Missing segments make the result partial, with a notice.

Example:
  streamload run --segment 1/2 --start-at 2026-05-01T12:00:00Z --iterations 300 --out seg1
  streamload run --segment 2/2 --start-at 2026-05-01T12:00:00Z --iterations 300 --out seg2
  streamload merge seg1 seg2 --out merged`,
    );
  addConfigOption(addOptions(cmd, MERGE_OPTIONS));
  action(cmd, async (inputs: string[]) => {
    const { out, format: formats } = resolveOwnOptions(MERGE_OPTIONS, typedFlags(cmd), state);
    if (out === null) throw new UsageError('--out: required (the folder for the merged reports)');
    const { runJsonFiles } = await import('../run-json-files.ts');
    const { loadRunJson } = await import('../../report/load.ts');
    const { mergeSegmentRuns } = await import('../../report/merge-segments.ts');
    const { writeReports } = await import('../../report/write.ts');
    const { renderSummaryText } = await import('../../report/summary-text.ts');
    const files = await runJsonFiles(inputs);
    const runs = await Promise.all(files.map(async (file) => ({ file, run: await loadRunJson(file) })));
    const merged = mergeSegmentRuns(runs);
    if (typeof merged === 'string') throw new UsageError(merged);
    state.stdout.write(renderSummaryText(merged));
    await writeReports(merged, { outDir: out, formats });
    state.stdout.write(`reports: ${out}\n`);
    return merged.thresholds.some((t) => !t.ok) ? EXIT_THRESHOLD : EXIT_OK;
  });
}

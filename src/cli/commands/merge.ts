import type { Command } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../../errors.ts';
import { REPORT_FORMATS } from '../../run-config/report-options.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('merge')
    .description('Merge the run.json files of --segment runs exactly into one run and write its reports')
    .argument(
      '<inputs...>',
      'run.json files, or folders holding one (a folder without run.json: its subfolders’ run.json)',
    )
    .requiredOption('--out <dir>', 'folder for the merged reports')
    .option('--format <list>', `files to write: ${REPORT_FORMATS.join(',')} (default: all)`)
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
  action(cmd, async (inputs: string[], flags: { out: string; format?: string }) => {
    const formats =
      flags.format === undefined ? [...REPORT_FORMATS] : flags.format.split(',').map((f) => f.trim());
    for (const f of formats)
      if (!(REPORT_FORMATS as readonly string[]).includes(f))
        throw new UsageError(`--format: unknown format "${f}" (${REPORT_FORMATS.join(', ')})`);
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
    await writeReports(merged, { outDir: flags.out, formats });
    state.stdout.write(`reports: ${flags.out}\n`);
    return merged.thresholds.some((t) => !t.ok) ? EXIT_THRESHOLD : EXIT_OK;
  });
}

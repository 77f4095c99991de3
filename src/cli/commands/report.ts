import type { Command } from 'commander';
import { EXIT_OK, UsageError } from '../../errors.ts';
import { REPORT_FORMATS } from '../../run-config/report-options.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('report')
    .description('Re-render the report files of a saved run.json')
    .argument('<run.json>', 'a run.json written by streamload run')
    .option('--format <list>', `files to write: ${REPORT_FORMATS.join(',')} (default: all but json)`)
    .option('--out <dir>', 'folder to write into (default: the folder of run.json)');
  action(cmd, async (file: string, flags: { format?: string; out?: string }) => {
    const { dirname } = await import('node:path');
    const { loadRunJson } = await import('../../report/load.ts');
    const { writeReports } = await import('../../report/write.ts');
    const formats =
      flags.format === undefined
        ? REPORT_FORMATS.filter((f) => f !== 'json')
        : flags.format.split(',').map((f) => f.trim());
    for (const f of formats)
      if (!(REPORT_FORMATS as readonly string[]).includes(f))
        throw new UsageError(`--format: unknown format "${f}" (${REPORT_FORMATS.join(', ')})`);
    const run = await loadRunJson(file);
    const written = await writeReports(run, { outDir: flags.out ?? dirname(file), formats });
    state.stdout.write(`${written.join('\n')}\n`);
    return EXIT_OK;
  });
}

import type { Command } from 'commander';
import { EXIT_OK } from '../../errors.ts';
import { REPORT_COMMAND_OPTIONS } from '../../report/options.ts';
import { addConfigOption, addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('report')
    .description('Re-render the report files of a saved run.json')
    .argument('<run.json>', 'a run.json written by streamload run');
  addConfigOption(addOptions(cmd, REPORT_COMMAND_OPTIONS));
  action(cmd, async (file: string) => {
    const { format: formats, out } = resolveOwnOptions(REPORT_COMMAND_OPTIONS, typedFlags(cmd), state);
    const { dirname } = await import('node:path');
    const { loadRunJson } = await import('../../report/load.ts');
    const { writeReports } = await import('../../report/write.ts');
    const run = await loadRunJson(file);
    const written = await writeReports(run, { outDir: out ?? dirname(file), formats });
    state.stdout.write(`${written.join('\n')}\n`);
    return EXIT_OK;
  });
}

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EXIT_OK, UsageError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('trend')
    .description(
      'The headline metrics of many runs in time order, with a chart per metric (Markdown or HTML)',
    )
    .argument(
      '<runs...>',
      'run.json files, or folders holding one (a folder without run.json: its subfolders’ run.json)',
    )
    .option('--format <md|html>', 'page format', 'md')
    .option('--out <file>', 'write the page to this file (default: standard output)')
    .addHelpText(
      'after',
      `
Example:
  streamload trend reports/ --format html --out trend.html   # every run under reports/, oldest first`,
    );
  action(cmd, async (inputs: string[], flags: { format: string; out?: string }) => {
    if (flags.format !== 'md' && flags.format !== 'html')
      throw new UsageError(`--format: expected md or html, got "${flags.format}"`);
    const { runJsonFiles } = await import('../run-json-files.ts');
    const { loadRunJson } = await import('../../report/load.ts');
    const { trendHtml, trendMarkdown } = await import('../../report/trend.ts');
    const files = await runJsonFiles(inputs);
    const runs = await Promise.all(files.map(async (file) => ({ file, run: await loadRunJson(file) })));
    const page = flags.format === 'html' ? trendHtml(runs) : trendMarkdown(runs);
    if (flags.out === undefined) state.stdout.write(page);
    else {
      await writeFile(flags.out, page).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`--out: cannot write "${flags.out}" (${error.code ?? error.message})`);
      });
      state.stdout.write(`trend of ${runs.length} runs: ${flags.out}\n`);
    }
    return EXIT_OK;
  });
}

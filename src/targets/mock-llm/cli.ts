import type { Command } from 'commander';
import { ExitError } from '../../cli/errors.ts';

// Placeholder until the targets issue lands; replaced by the real command.
export function registerServeLlm(serve: Command): void {
  serve
    .command('llm')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new ExitError('streamload serve llm is not built yet', 70);
    });
}

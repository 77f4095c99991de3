import type { Command } from 'commander';
import { ExitError } from '../../cli/errors.ts';

// Placeholder until the targets issue lands; replaced by the real command.
export function registerServeWorkflow(serve: Command): void {
  serve
    .command('workflow')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new ExitError('streamload serve workflow is not built yet', 70);
    });
}

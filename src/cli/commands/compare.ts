import type { Command } from 'commander';
import { ExitError } from '../errors.ts';

// Placeholder until the owning issue lands; replaced by the real command.
export function register(program: Command): void {
  program
    .command('compare')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new ExitError('streamload compare is not built yet', 70);
    });
}

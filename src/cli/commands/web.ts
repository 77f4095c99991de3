import type { Command } from 'commander';
import { ExitError } from '../errors.ts';

// Placeholder until the owning issue lands; replaced by the real command.
export function register(program: Command): void {
  program
    .command('web')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new ExitError('streamload web is not built yet', 70);
    });
}

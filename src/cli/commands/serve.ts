import type { Command } from 'commander';
import { registerServeLlm } from '../../targets/mock-llm/cli.ts';
import { registerServeWorkflow } from '../../targets/workflow-server/cli.ts';

export function register(program: Command): void {
  const serve = program
    .command('serve')
    .description(
      'Run an embedded reference target: an OpenAI-compatible mock LLM or a Dify-compatible server',
    );
  registerServeLlm(serve);
  registerServeWorkflow(serve);
}

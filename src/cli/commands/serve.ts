import type { Command } from 'commander';
import { registerServeLlm } from '../../targets/mock-llm/cli.ts';
import type { ParentChannel, ServeIo } from '../../targets/shared/serve-until-signal.ts';
import { registerServeWorkflow } from '../../targets/workflow-server/cli.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, cli: CliContext): void {
  const serve = program
    .command('serve')
    .description(
      'Run an embedded reference target: an OpenAI-compatible mock LLM or a Dify-compatible server',
    );
  // The parent channel is looked at when a command runs, not when it is registered.
  const serveIo = (): ServeIo => ({
    stdout: cli.state.stdout,
    onStopSignal: cli.state.onStopSignal,
    parent: parentChannel(),
  });
  registerServeLlm(serve, serveIo);
  registerServeWorkflow(serve, serveIo);
}

/**
 * The IPC channel of a parent that forked this process (`run` starts its embedded targets so): its
 * closing is the child's cue to exit, whatever killed the parent. A process global, so read here.
 */
function parentChannel(): ParentChannel | undefined {
  if (!process.connected) return undefined;
  return {
    onClose(listener) {
      process.once('disconnect', listener);
      return () => process.off('disconnect', listener);
    },
    release() {
      if (process.connected) process.disconnect();
    },
  };
}

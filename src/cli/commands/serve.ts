import type { Command } from 'commander';
import { registerServeLlm } from '../../targets/mock-llm/cli.ts';
import type { ParentChannel, ServeIo } from '../../targets/shared/serve-until-signal.ts';
import { registerServeWorkflow } from '../../targets/workflow-server/cli.ts';
import { processState } from '../process-state.ts';

export function register(program: Command): void {
  const serve = program
    .command('serve')
    .description(
      'Run an embedded reference target: an OpenAI-compatible mock LLM or a Dify-compatible server',
    );
  registerServeLlm(serve, serveIo);
  registerServeWorkflow(serve, serveIo);
}

/** The process as the serve commands see it: read when a command runs, not when it is registered. */
function serveIo(): ServeIo {
  const state = processState();
  return { stdout: state.stdout, onStopSignal: state.onStopSignal, parent: parentChannel() };
}

/**
 * The IPC channel of a parent that forked this process (`run` starts its embedded targets so):
 * its closing is the child's cue to exit, whatever killed the parent.
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

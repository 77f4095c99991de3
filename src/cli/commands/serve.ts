import type { Command } from 'commander';
import type { OptionTable, ValuesOf } from '../../config/option.ts';
import { SERVE_LLM_HELP, SERVE_LLM_OPTIONS } from '../../targets/mock-llm/serve-options.ts';
import type { ParentChannel, ServeIo } from '../../targets/shared/serve-until-signal.ts';
import { SERVE_WORKFLOW_HELP, SERVE_WORKFLOW_OPTIONS } from '../../targets/workflow-server/serve-options.ts';
import { addConfigOption, addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { typedFlags } from '../run-options.ts';

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
  /** A target's subcommand: its table as flags, `--config` keys and env; `start` serves until stopped. */
  const target = <Table extends OptionTable>(
    name: string,
    description: string,
    table: Table,
    help: string,
    start: (options: ValuesOf<Table>, io: ServeIo) => Promise<void>,
  ) => {
    const cmd = addConfigOption(addOptions(serve.command(name).description(description), table));
    cmd.addHelpText('after', help);
    cli.action(cmd, async () => {
      const io = serveIo();
      // Started by a parent (`run`'s embedded targets), the target takes only the flags it was
      // given: the STREAMLOAD_* env it inherits is the user's, for the client (a STREAMLOAD_HOST
      // or STREAMLOAD_LLM_URL meant for another target must not move or open this one).
      const where = io.parent === undefined ? cli.state : { env: {}, cwd: cli.state.cwd };
      await start(resolveOwnOptions(table, typedFlags(cmd), where), io);
      return undefined;
    });
  };
  target(
    'llm',
    'mock LLM the official SDKs accept: OpenAI /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses, /v1/models; Anthropic /v1/messages',
    SERVE_LLM_OPTIONS,
    SERVE_LLM_HELP,
    async (options, io) => (await import('../../targets/mock-llm/cli.ts')).serveLlm(options, io),
  );
  target(
    'workflow',
    'Dify-compatible Service API (workflow and chat apps) that runs its graphs against an LLM',
    SERVE_WORKFLOW_OPTIONS,
    SERVE_WORKFLOW_HELP,
    async (options, io) => (await import('../../targets/workflow-server/cli.ts')).serveWorkflow(options, io),
  );
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

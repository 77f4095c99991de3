import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { convert } from '../../config/option.ts';
import { UsageError } from '../../errors.ts';
import type { GlobalState } from '../../global-state.ts';
import { OPTIONS } from '../../run-config/fields.ts';
import type { RunConfig } from '../../run-config/types.ts';
import type { RunObserver } from '../../session/run-session.ts';
import { WEB_OPTIONS } from '../../web/options.ts';
import { addOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { addRunOptions, refuseSegmentOptions, typedFlags } from '../run-options.ts';
import { withWebUi } from '../web-attach.ts';

/** The config file `run` reads by itself from the current folder (what `streamload setup` writes). */
const AUTO_CONFIG = 'streamload.yml';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('run')
    .description('Run a load test against a streaming (SSE) API and write reports')
    .option('--processes <n|auto>', 'worker processes on this machine (auto = one per core)')
    .option('--web', 'also serve the live web UI and /metrics while this run lasts')
    .option('--list', "print the scenario's user classes, weights, tasks and tags, and exit")
    .argument('[userClass...]', 'user classes of the scenario file to run (as --user-class)');
  addRunOptions(cmd);
  addOptions(cmd, WEB_OPTIONS);
  cmd.addHelpText(
    'after',
    `
A ./streamload.yml in the current folder (written by \`streamload setup\`) is read when no --config is given.
Without --target, the embedded Dify-compatible workflow server and mock LLM are started in a child
process (built-in app keys: app-llm, app-empty, app-chat).

Examples:
  streamload run --users 20 --spawn-rate 5 --run-time 1m
  streamload run --target https://api.dify.ai --api-key app-… --protocol workflow --inputs '{"topic":"x"}'
  streamload run --target http://127.0.0.1:8000 --protocol openai --model my-model --rate 20 --run-time 2m
  streamload run --scenario empty-qps --users 50 --run-time 15s --threshold 'error_rate<1%'
  streamload run --scenario ./my-scenario.ts --iterations 1000 --users 20 --json-summary
  streamload run --scenario ./my-scenario.ts reader --tags search --users 10   # only class reader's search tasks
  streamload run --scenario ./my-scenario.ts --list
  streamload run --web --users 50 --run-time 10m     # watch it at http://127.0.0.1:8089/
  streamload run --repeat 3 --repeat-pause 10s --out runs/base   # runs/base/rep-1 … rep-3 for compare

Exit codes: 0 success, 1 a threshold failed, 2 bad usage or config (or the preflight failed).`,
  );
  action(cmd, async (userClasses: string[]) => {
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { credentialSources } = await import('../../run-config/sources.ts');
    const flags = withUserClasses(typedFlags(cmd), userClasses);
    // `streamload setup` leaves ./streamload.yml: a plain `streamload run` in that folder uses it.
    const found = flags.config === undefined && existsSync(resolve(state.cwd, AUTO_CONFIG));
    if (found) flags.config = AUTO_CONFIG;
    const sources = { flags, env: state.env, cwd: state.cwd, alsoInFile: WEB_OPTIONS };
    const config = resolveRunConfig(sources);
    if (flags.list === true) {
      const { loadRunScenario } = await import('../../engine/scenario/load.ts');
      const { describeUsers } = await import('../../engine/scenario/user-classes.ts');
      const { escapeLines } = await import('../../report/text-safe.ts');
      // Names and tags are the file's text: control characters shown, never sent to the terminal.
      state.stdout.write(escapeLines(describeUsers(await loadRunScenario(config))));
      return 0;
    }
    const processes = flags.processes === undefined ? undefined : String(flags.processes);
    if (processes !== undefined && processes !== '1') refuseSegmentOptions(config, '--processes');
    const log = config.jsonSummary ? state.stderr : state.stdout;
    if (found) log.write(`config: ./${AUTO_CONFIG} (found in this folder; --config FILE chooses another)\n`);
    // Which of flags > env > config file gave each credential (never its value): a key from a
    // forgotten ./streamload.yml or a stale env variable is seen before it fails a preflight.
    for (const line of credentialSources(sources, config)) log.write(`${line}\n`);
    if (config.repeat > 1) {
      if (flags.web === true)
        throw new UsageError('--repeat: not with --web (run the repeats without the live UI)');
      const { runRepeated } = await import('../repeat.ts');
      return runRepeated(config, state, (one) => runConfigured(one, state, processes));
    }
    return withWebUi(flags, state, log, (observer) => runConfigured(config, state, processes, observer));
  });
}

/** `run --scenario FILE reader writer`: Locust's positional classes, added to any `--user-class`. */
function withUserClasses(
  flags: Record<string, unknown>,
  positional: readonly string[],
): Record<string, unknown> {
  if (positional.length === 0) return flags;
  let named: readonly string[];
  try {
    named = convert(OPTIONS.userClass, positional, 'user class arguments') as readonly string[];
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const given = Array.isArray(flags.userClass) ? (flags.userClass as string[]) : [];
  return { ...flags, userClass: [...given, ...named] };
}

/** One run to its end, in this process or split over `--processes`; resolves with the exit code. */
export async function runConfigured(
  config: RunConfig,
  state: GlobalState,
  processes: string | undefined,
  observer?: RunObserver,
): Promise<number> {
  if (processes !== undefined && processes !== '1') {
    const { runScaledOut } = await import('../scale-out.ts');
    return runScaledOut(config, state, processes, observer);
  }
  const { runSession } = await import('../../session/run-session.ts');
  const result = await runSession(config, state, observer === undefined ? {} : { observer });
  return result.exitCode;
}

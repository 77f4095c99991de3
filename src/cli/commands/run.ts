import type { Command } from 'commander';
import { addRunOptions, typedFlags } from '../run-options.ts';

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('Run a load test against a streaming (SSE) API and write reports')
    .option('--processes <n|auto>', 'worker processes on this machine (auto = one per core)');
  addRunOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Without --target, the embedded Dify-compatible workflow server and mock LLM are started in a child
process (built-in app keys: app-llm, app-empty, app-chat).

Examples:
  streamload run --users 20 --spawn-rate 5 --run-time 1m
  streamload run --target https://api.dify.ai --api-key app-… --protocol workflow --inputs '{"topic":"x"}'
  streamload run --target http://127.0.0.1:8000 --protocol openai --model my-model --rate 20 --run-time 2m
  streamload run --scenario empty-qps --users 50 --run-time 15s --threshold 'error_rate<1%'
  streamload run --scenario ./my-scenario.ts --iterations 1000 --users 20 --json-summary

Exit codes: 0 success, 1 a threshold failed, 2 bad usage or config (or the preflight failed).`,
  );
  cmd.action(async () => {
    const { resolveRunConfig } = await import('../../config/resolve.ts');
    const { runSession } = await import('../run-session.ts');
    const flags = typedFlags(cmd);
    const config = resolveRunConfig({ flags, env: process.env, cwd: process.cwd() });
    // Scale-out branches here: --processes hands the same config to N workers.
    if (flags.processes !== undefined && flags.processes !== '1') {
      const { runScaledOut } = await import('../scale-out.ts');
      process.exitCode = await runScaledOut(config, String(flags.processes));
      return;
    }
    const result = await runSession(config);
    process.exitCode = result.exitCode;
  });
}

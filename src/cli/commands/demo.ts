import type { Command } from 'commander';
import { EXIT_OK } from '../../errors.ts';
import type { GlobalState } from '../../global-state.ts';
import type { SessionResult } from '../../session/run-session.ts';
import type { CliContext } from '../context.ts';
import { CLI_MAIN } from '../entries.ts';

interface DemoFlags {
  quick?: boolean;
  out?: string;
}

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('demo')
    .description(
      'The classic benchmark on the embedded targets: LLM workflow streaming, then empty-workflow QPS',
    )
    .option('--quick', 'a short version (3 s + 2 s + two find-limit steps of 1 s + 2 s), for a smoke test')
    .option('--out <dir>', 'report folder prefix (default reports/<YYYYMMDD_HHMMSS>)')
    .addHelpText(
      'after',
      '\nStarts the embedded Dify-compatible workflow server and mock LLM in a child process, then runs\n' +
        '  1. the LLM workflow (app-llm), streaming, 10 users spawned at 2/s, for 30 s;\n' +
        '  2. the empty workflow (app-empty), blocking, 10 users, for 15 s (server QPS);\n' +
        '  3. find-limit against a mock LLM with a capacity of 20 generations (serve llm --capacity 20):\n' +
        '     users from 10 up, 2 s warmup + 3 s per step, until ttft p95 passes 1.2 s;\n' +
        'prints the summaries and writes the reports of each.',
    );
  action(cmd, async (flags: DemoFlags) => {
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { startEmbeddedTargets } = await import('../../engine/embedded-targets.ts');
    const { runSession } = await import('../../session/run-session.ts');
    const { defaultReportDir } = await import('../../report/write.ts');
    const prefix = flags.out ?? defaultReportDir();
    const targets = await startEmbeddedTargets(CLI_MAIN);
    /** The two `run` phases on the shared targets (10 users each): banner, app, spawn rate, time. */
    const phases = [
      ['== 1/3 LLM workflow, streaming ==', 'llm', 'app-llm', 2, flags.quick ? 3_000 : 30_000, 'llm'],
      [
        '\n== 2/3 empty workflow, blocking QPS ==',
        'empty-qps',
        'app-empty',
        10,
        flags.quick ? 2_000 : 15_000,
        'qps',
      ],
    ] as const;
    try {
      state.stdout.write(
        `embedded targets: workflow server ${targets.workflowUrl}, mock LLM ${targets.llmUrl}\n\n`,
      );
      const results = [];
      for (const [title, scenario, apiKey, spawnRate, runTime, label] of phases) {
        state.stdout.write(`${title}\n`);
        const config = resolveRunConfig({
          flags: {
            scenario,
            apiKey,
            users: 10,
            spawnRate,
            runTime,
            out: `${prefix}-demo-${label}`,
            target: targets.workflowUrl,
          },
          env: {},
          cwd: state.cwd,
        });
        results.push(await runSession(config, state));
      }
      const [llm, qps] = results as [SessionResult, SessionResult];
      state.stdout.write('\n== 3/3 find-limit: where does a mock LLM with capacity 20 break? ==\n');
      const limit = await demoFindLimit(state, prefix, flags.quick === true);
      state.stdout.write(
        `\nDemo done. Reports:\n  ${llm.outDir}/report.html\n  ${qps.outDir}/report.html\n  ${prefix}-demo-find-limit/report.html\n`,
      );
      return Math.max(llm.exitCode, qps.exitCode, limit, EXIT_OK);
    } finally {
      await targets.close();
    }
  });
}

/**
 * The find-limit phase, on its own embedded targets whose mock LLM has a knee: full speed up to 20
 * generations (1 s to the first token), (n/20)² slower beyond. A ttft p95 SLO of 1.2 s holds up to
 * about 21 users, with 200 ms to spare for a busy machine below the knee; the search finds it in
 * six 5-second steps.
 */
async function demoFindLimit(state: GlobalState, prefix: string, quick: boolean): Promise<number> {
  const { resolveRunConfig } = await import('../../run-config/resolve.ts');
  const { startEmbeddedTargets } = await import('../../engine/embedded-targets.ts');
  const { runFindLimit } = await import('../find-limit-session.ts');
  const knee = await startEmbeddedTargets(CLI_MAIN, [
    '--capacity',
    '20',
    '--max-queue',
    '40',
    '--first-token-ms',
    '1000',
    '--inter-token-ms',
    '10',
    '--tokens',
    '10',
  ]);
  try {
    const config = resolveRunConfig({
      flags: {
        target: knee.llmUrl,
        protocol: 'openai',
        users: 10,
        slo: ['ttft<1200ms'],
        out: `${prefix}-demo-find-limit`,
      },
      env: {},
      cwd: state.cwd,
    });
    return await runFindLimit(config, state, {
      bounds: { start: config.users, max: quick ? 20 : 200, resolution: 0.1, integer: true },
      stepTimeMs: quick ? 2_000 : 3_000,
      warmupMs: quick ? 1_000 : 2_000,
      budgetMs: 90_000,
      maxErrorRate: 0.01,
      sloPercentile: 95,
      processes: undefined,
      spawnRateGiven: false,
    });
  } finally {
    await knee.close();
  }
}

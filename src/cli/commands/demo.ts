import type { Command } from 'commander';
import { EXIT_OK } from '../errors.ts';

interface DemoFlags {
  quick?: boolean;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'The classic benchmark on the embedded targets: LLM workflow streaming, then empty-workflow QPS',
    )
    .option('--quick', 'a short version (3 s + 2 s), for a smoke test')
    .option('--out <dir>', 'report folder prefix (default reports/<YYYYMMDD_HHMMSS>)')
    .addHelpText(
      'after',
      '\nStarts the embedded Dify-compatible workflow server and mock LLM in a child process, then runs\n' +
        '  1. the LLM workflow (app-llm), streaming, 10 users spawned at 2/s, for 30 s;\n' +
        '  2. the empty workflow (app-empty), blocking, 10 users, for 15 s (server QPS);\n' +
        'prints both summaries and writes the reports of each.',
    )
    .action(async (flags: DemoFlags) => {
      const { resolveRunConfig } = await import('../../config/resolve.ts');
      const { startEmbeddedTargets } = await import('../../engine/embedded-targets.ts');
      const { runSession } = await import('../run-session.ts');
      const { defaultReportDir } = await import('../../report/write.ts');
      const prefix = flags.out ?? defaultReportDir();
      const targets = await startEmbeddedTargets();
      const resolve = (flagsFor: Record<string, unknown>) =>
        resolveRunConfig({
          flags: { ...flagsFor, target: targets.workflowUrl },
          env: {},
          cwd: process.cwd(),
        });
      try {
        process.stdout.write(
          `embedded targets: workflow server ${targets.workflowUrl}, mock LLM ${targets.llmUrl}\n\n`,
        );
        process.stdout.write('== 1/2 LLM workflow, streaming ==\n');
        const llm = await runSession(
          resolve({
            scenario: 'llm',
            apiKey: 'app-llm',
            users: 10,
            spawnRate: 2,
            runTime: flags.quick ? 3_000 : 30_000,
            out: `${prefix}-demo-llm`,
          }),
        );
        process.stdout.write('\n== 2/2 empty workflow, blocking QPS ==\n');
        const qps = await runSession(
          resolve({
            scenario: 'empty-qps',
            apiKey: 'app-empty',
            users: 10,
            spawnRate: 10,
            runTime: flags.quick ? 2_000 : 15_000,
            out: `${prefix}-demo-qps`,
          }),
        );
        process.stdout.write(
          `\nDemo done. Reports:\n  ${llm.outDir}/report.html\n  ${qps.outDir}/report.html\n`,
        );
        process.exitCode = Math.max(llm.exitCode, qps.exitCode, EXIT_OK);
      } finally {
        await targets.close();
      }
    });
}

/**
 * Preloaded into a bench client (`node --import ./bench/process-usage.mjs …`): when the process
 * exits, however it exits, its whole-life CPU time and peak RSS go to the file named by
 * STREAMLOAD_BENCH_USAGE. The engine bench measures the real CLI this way — start-up, module
 * loading, per-second work, live view, reports and exit included — and the floor client the same way.
 * Plain JavaScript, like the floor client: a TypeScript preload would charge both processes for
 * loading the type stripper.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.STREAMLOAD_BENCH_USAGE;
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ cpuUs: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }),
    );
  });
}

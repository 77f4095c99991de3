/**
 * `run --repeat N`: the same configuration N times into OUT/rep-1 … rep-N (each a complete run
 * with every report), then the spread of their headline metrics (repeat-summary.txt/.md/.json).
 * The worst exit code wins; a run that cannot start (exit 2) or is interrupted ends the series.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_USAGE } from '../errors.ts';
import type { GlobalState } from '../global-state.ts';
import type { RunConfig } from '../run-config/types.ts';

export async function runRepeated(
  config: RunConfig,
  state: GlobalState,
  runOne: (config: RunConfig) => Promise<number>,
): Promise<number> {
  const { prepareOutDir } = await import('../session/out-dir.ts');
  const log = config.jsonSummary ? state.stderr : state.stdout;
  const outDir = await prepareOutDir(config.out);
  let exitCode = 0;
  const done: string[] = [];
  for (let i = 1; i <= config.repeat; i++) {
    if (i > 1 && config.repeatPause > 0) {
      log.write(`repeat: pausing ${config.repeatPause / 1000} s before run ${i}/${config.repeat}\n`);
      await new Promise((resolve) => setTimeout(resolve, config.repeatPause));
    }
    log.write(`\nrepeat: run ${i}/${config.repeat} → ${join(outDir, `rep-${i}`)}\n`);
    const code = await runOne({ ...config, out: join(outDir, `rep-${i}`) });
    exitCode = Math.max(exitCode, code);
    if (code === EXIT_USAGE || code === EXIT_INTERRUPTED) return code;
    done.push(`rep-${i}`);
  }
  const { loadRunJson } = await import('../report/load.ts');
  const { renderSpread, spreadRows } = await import('../report/spread.ts');
  const runs = await Promise.all(done.map((name) => loadRunJson(join(outDir, name, 'run.json'))));
  const rows = spreadRows(runs);
  const text = renderSpread(done, rows, 'txt');
  await writeFile(join(outDir, 'repeat-summary.txt'), text);
  await writeFile(
    join(outDir, 'repeat-summary.md'),
    `# ${done.length} repeats\n\n${renderSpread(done, rows, 'md')}`,
  );
  await writeFile(
    join(outDir, 'repeat-summary.json'),
    `${JSON.stringify({ schema: 'streamload.repeat/v1', runs: done, metrics: rows }, null, 2)}\n`,
  );
  log.write(
    `\nrepeat: ${done.length} runs, their spread (${join(outDir, 'repeat-summary.txt')}):\n\n${text}`,
  );
  return exitCode;
}

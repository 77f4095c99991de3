import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { EXIT_OK, EXIT_THRESHOLD, UsageError } from '../../errors.ts';
import { COMPARE_OPTIONS } from '../../report/compare-options.ts';
import type { CompareSide } from '../../report/compare-types.ts';
import { addConfigOption, addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { runJsonFiles } from '../run-json-files.ts';
import { typedFlags } from '../run-options.ts';

/** A short name for a side: its folder (`out/run.json` → `out`), or the parent of its repeats. */
function sideName(inputs: readonly string[], files: readonly string[]): string {
  const strip = (path: string) =>
    basename(path) === 'run.json' ? dirname(path) : path.replace(/\.json$/, '');
  if (inputs.length === 1) return basename(strip(inputs[0]!)) || inputs[0]!;
  const parents = new Set(files.map((f) => dirname(strip(f))));
  return parents.size === 1 ? basename([...parents][0]!) : `${basename(strip(inputs[0]!))}…`;
}

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('compare')
    .description(
      'Did it get worse? Judge a candidate against a baseline metric by metric; exit 1 on a regression, 2 on bad input',
    )
    .argument(
      '<runs...>',
      'BASE CAND (each a run.json, or a folder of repeats), or BASE... --vs CAND... for several files a side',
    )
    .addHelpText(
      'after',
      `
Verdicts: regressed | improved | no significant change | inconclusive. A regression is significant
(Holm-adjusted over every judged metric), beyond the tolerance and in the bad direction. One run a
side: a block bootstrap of its seconds; 3 or more a side (run --repeat 3): Welch's t over the runs.

Examples:
  streamload compare runs/v1 runs/v2                        # folders of repeats (run --repeat 3 --out runs/v1)
  streamload compare old/run.json new/run.json --format md  # a Markdown table for a PR comment
  streamload compare a.json b.json --vs c.json d.json e.json --format json --tolerance 5%,ttft.p95=10%

Exit codes: 0 no regression, 1 a regression, 2 bad input (not a run.json, missing histograms,
different protocols or scenarios without --force).`,
    );
  addConfigOption(addOptions(cmd, COMPARE_OPTIONS));
  action(cmd, async (runs: string[]) => {
    const flags = resolveOwnOptions(COMPARE_OPTIONS, typedFlags(cmd), state);
    const [baseInputs, candidateInputs] =
      flags.vs === null ? [runs.slice(0, 1), runs.slice(1)] : [runs, [...flags.vs]];
    if (flags.vs === null && runs.length !== 2)
      throw new UsageError(
        `compare: expected BASE CAND, or BASE... --vs CAND... for several runs a side; got ${runs.length} run argument(s)`,
      );
    const { loadRunJson } = await import('../../report/load.ts');
    const { compareSides } = await import('../../report/compare.ts');
    const { parseTolerances, unknownToleranceKeys } = await import('../../report/compare-inputs.ts');
    const { renderComparison } = await import('../../report/compare-render.ts');
    const { tolerance, tolerances } = parseTolerances(flags.tolerance);
    const [baseFiles, candidateFiles] = await Promise.all([
      runJsonFiles(baseInputs),
      runJsonFiles(candidateInputs),
    ]);
    let names = [sideName(baseInputs, baseFiles), sideName(candidateInputs, candidateFiles)];
    if (names[0] === names[1]) names = ['base', 'candidate'];
    const side = async (name: string, files: string[]): Promise<CompareSide> => ({
      name,
      files,
      runs: await Promise.all(files.map(loadRunJson)),
    });
    const [base, candidate] = await Promise.all([
      side(names[0]!, baseFiles),
      side(names[1]!, candidateFiles),
    ]);
    const options = { tolerance, tolerances, seed: flags.seed, resamples: 1000, force: flags.force };
    const comparison = compareSides(base, candidate, options);
    const unknown = unknownToleranceKeys(comparison, options);
    if (unknown.length > 0)
      throw new UsageError(
        `--tolerance: no compared metric is named ${unknown.map((k) => `"${k}"`).join(', ')}`,
      );
    state.stdout.write(renderComparison(comparison, flags.format));
    return comparison.regressed.length > 0 ? EXIT_THRESHOLD : EXIT_OK;
  });
}

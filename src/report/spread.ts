/**
 * `run --repeat N`'s summary: each headline metric per repeat, its mean and its spread, i.e. the
 * run-to-run noise of this setup. A change smaller than this noise is not a finding.
 */
import { formatHeadline, presentHeadlines } from './headline.ts';
import { markdownTable, textTable } from './tables.ts';
import type { RunJson } from './types.ts';

export interface SpreadRow {
  readonly id: string;
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Sample standard deviation / mean (coefficient of variation), 0..; null below 2 values. */
  readonly cv: number | null;
}

export function spreadRows(runs: readonly RunJson[]): SpreadRow[] {
  return presentHeadlines(runs).map((metric) => {
    const values = runs.map((run) => metric.pick(run));
    const present = values.filter((v): v is number => v !== null);
    const mean = present.length === 0 ? null : present.reduce((s, v) => s + v, 0) / present.length;
    const variance =
      mean === null || present.length < 2
        ? null
        : present.reduce((s, v) => s + (v - mean) ** 2, 0) / (present.length - 1);
    return {
      id: metric.id,
      label: metric.label,
      values,
      mean,
      min: present.length === 0 ? null : Math.min(...present),
      max: present.length === 0 ? null : Math.max(...present),
      cv: variance === null || mean === null || mean === 0 ? null : Math.sqrt(variance) / Math.abs(mean),
    };
  });
}

export function renderSpread(
  names: readonly string[],
  rows: readonly SpreadRow[],
  format: 'txt' | 'md',
): string {
  const header = ['Metric', ...names, 'mean', 'min', 'max', 'CV'];
  const body = rows.map((r) => [
    r.label,
    ...r.values.map(formatHeadline),
    formatHeadline(r.mean),
    formatHeadline(r.min),
    formatHeadline(r.max),
    r.cv === null ? '—' : `${(r.cv * 100).toFixed(1)}%`,
  ]);
  const table = format === 'md' ? markdownTable(header, body) : textTable(header, body);
  return `${table}\n\nCV: standard deviation / mean over the ${names.length} runs — the run-to-run noise of this setup.\n`;
}

/** `streamload compare`'s output: a text table, a Markdown table for a PR comment, or JSON for a bot. */
import type { ComparedMetric, Comparison, Unit, Verdict } from './compare-types.ts';
import { markdownTable, textTable } from './tables.ts';

export const COMPARE_SCHEMA = 'streamload.compare/v1';

/** The table's words for a verdict (JSON keeps the short spelling). */
const VERDICT_TEXT: Record<Verdict, string> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  unchanged: 'no significant change',
  inconclusive: 'inconclusive',
};

function number(value: number, unit: Unit): string {
  if (unit === 'share') return `${(value * 100).toFixed(2)}%`;
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function value(v: number | null, unit: Unit): string {
  return v === null ? '—' : number(v, unit);
}

function signed(v: number, unit: Unit): string {
  return `${v >= 0 ? '+' : '−'}${number(Math.abs(v), unit)}`;
}

function unitLabel(m: ComparedMetric): string {
  return m.unit === 'ms' ? ' (ms)' : m.unit === '/s' ? ' (/s)' : '';
}

function row(m: ComparedMetric): string[] {
  const change =
    m.change === null
      ? '—'
      : `${signed(m.change, m.unit)}${m.relative === null ? '' : ` (${m.relative >= 0 ? '+' : '−'}${Math.abs(m.relative * 100).toFixed(1)}%)`}`;
  const ci = m.ci === null ? '—' : `[${signed(m.ci[0], m.unit)}, ${signed(m.ci[1], m.unit)}]`;
  const verdict = m.verdict === null ? '(shown, not judged)' : VERDICT_TEXT[m.verdict];
  return [
    `${m.id}${unitLabel(m)}`,
    value(m.base, m.unit),
    value(m.candidate, m.unit),
    change,
    ci,
    m.pAdjusted === null ? '—' : m.pAdjusted < 0.001 ? '<0.001' : m.pAdjusted.toFixed(3),
    verdict,
  ];
}

function summary(c: Comparison): string {
  const count = (v: Verdict) => c.metrics.filter((m) => m.verdict === v).length;
  const head = c.regressed.length === 0 ? 'No regression.' : `REGRESSION: ${c.regressed.join(', ')}.`;
  return `${head} ${count('regressed')} regressed, ${count('improved')} improved, ${count('unchanged')} no significant change, ${count('inconclusive')} inconclusive.`;
}

function notes(c: Comparison): string[] {
  const byNote = new Map<string, string[]>();
  for (const m of c.metrics)
    if (m.note !== null && m.verdict !== null) byNote.set(m.note, [...(byNote.get(m.note) ?? []), m.id]);
  return [...byNote].map(([note, ids]) => `inconclusive ${ids.join(', ')}: ${note}`);
}

function sideLine(label: string, side: Comparison['base']): string {
  const runs =
    side.files.length === 1 ? side.files[0]! : `${side.files.length} runs: ${side.files.join(', ')}`;
  return `${label} ${side.name} = ${runs}`;
}

export function renderComparison(c: Comparison, format: 'txt' | 'md' | 'json'): string {
  if (format === 'json') return `${JSON.stringify({ schema: COMPARE_SCHEMA, ...c }, null, 2)}\n`;
  const header = [
    'Metric',
    c.base.name,
    c.candidate.name,
    'Change',
    '95% CI of change',
    'p (Holm)',
    'Verdict',
  ];
  const rows = c.metrics.map(row);
  const lines = [
    sideLine('base:', c.base),
    sideLine('candidate:', c.candidate),
    c.configDifferences.length === 0
      ? 'configuration: the same'
      : `configuration differs: ${c.configDifferences.join('; ')}`,
    '',
    format === 'md' ? markdownTable(header, rows) : textTable(header, rows),
    '',
    `method: ${c.method}`,
    ...notes(c),
    '',
    summary(c),
  ];
  return `${lines.join('\n')}\n`;
}

/** Plain tables: the one place that lays out rows for text and Markdown. */
import { escapeControl } from './text-safe.ts';

export type Cell = string | number;

export function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits);
}

export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  // Escaped before measuring: a cell is one line of visible text, whatever a server put in it.
  const cells = [header, ...rows].map((r) => r.map((c) => escapeControl(String(c))));
  // A loop, not Math.max(...column): spreading a large table overflows the call stack.
  const widths = header.map((_, i) => {
    let width = 0;
    for (const r of cells) width = Math.max(width, String(r[i] ?? '').length);
    return width;
  });
  const line = (r: readonly Cell[]) =>
    r
      .map((c, i) =>
        i === 0 ? String(c).padEnd(widths[i] as number) : String(c).padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells as [string[], ...string[][]];
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const escapeCell = (c: Cell) => escapeControl(String(c)).replace(/\|/g, '\\|');
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

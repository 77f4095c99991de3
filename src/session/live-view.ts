/**
 * The live console: every `--live-interval`, one block of what is happening now. Redrawn in place
 * on a TTY; appended as plain lines otherwise (CI logs), and on stderr when stdout carries JSON.
 */

import type { Output } from '../global-state.ts';
import { summarize } from '../metrics/summary.ts';
import type { RequestEntryStats } from '../metrics/types.ts';
import { bothViews } from '../report/operations.ts';
import { type RequestColumn, requestTable } from '../report/request-table.ts';
import { fmt, textTable } from '../report/tables.ts';
import { escapeLines } from '../report/text-safe.ts';
import { formatClassCounts } from '../report/transport.ts';
import type { LiveRunHandle } from '../run.ts';

export interface LiveViewOptions {
  readonly intervalMs: number;
  readonly runTimeMs: number | null;
  readonly iterations: number | null;
  readonly stream: Output;
  /** More lines under the block (the target's monitor). */
  readonly extraLines?: () => readonly string[];
}

/** The console summary's request table, in the columns that fit a live block. */
const LIVE_COLUMNS: readonly RequestColumn[] = ['type', 'name', 'requests', 'failures', 'avg', 'p95'];

function requestLines(entries: readonly RequestEntryStats[]): string[] {
  if (entries.length === 0) return [];
  const { header, rows } = requestTable(entries, LIVE_COLUMNS, 0);
  return textTable(header, rows)
    .split('\n')
    .map((line) => `  ${line}`);
}

export function startLiveView(handle: LiveRunHandle, options: LiveViewOptions): () => void {
  const tty = options.stream.isTTY === true;
  let drawnLines = 0;

  // Summarized when drawn, not on every tick: a summary every --live-interval (5 s) rather than
  // every second keeps that work off the generator's loop when nothing else watches the run.
  function render(): void {
    const s = summarize(handle.snapshot());
    if (s.history.length === 0) return;
    const p = handle.progress();
    const last = s.history.at(-1);
    const elapsed = Math.round(p.elapsedMs / 1000);
    const remaining =
      options.runTimeMs === null
        ? ''
        : `, ${Math.max(0, Math.round(options.runTimeMs / 1000) - elapsed)} s left`;
    const work = options.iterations === null ? '' : `, ${p.iterations}/${options.iterations} iterations`;
    const ttfe = s.latency.ttfe;
    const errors =
      Object.entries(s.errors)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ') || 'none';
    const g = last?.generator;
    const views = bothViews(s);
    // Several classes: how the users are shared among them now.
    const classes = last?.userClasses;
    const byClass =
      classes === undefined || Object.keys(classes).length < 2 ? '' : ` (${formatClassCounts(classes)})`;
    const lines = [
      `[${elapsed} s${remaining}${work}] users ${p.users}${byClass}, active connections ${last?.activeConnections ?? 0}, conn/s ${last?.connectionsOpened ?? 0}, events/s ${last?.events ?? 0}, req/s ${last?.requests ?? 0}`,
      `  TTFE avg ${fmt(ttfe?.mean)} p50 ${fmt(ttfe?.p50)} p95 ${fmt(ttfe?.p95)} ms; requests ${s.totals.requests}, failures ${s.totals.failures}${s.totals.cancelled > 0 ? `, cancelled ${s.totals.cancelled}` : ''}; errors: ${errors}`,
      `  goodput ${last?.good ?? 0}/s (avg ${fmt(s.goodput.avg)}), SLO attainment ${s.slo_attainment === null ? '—' : `${fmt(s.slo_attainment * 100, 2)}%`}`,
      ...(views === null ? [] : [`  ${views}`]),
      `  generator: loop delay p99 ${fmt(g?.loopDelayP99Ms, 2)} ms, CPU ${fmt((g?.cpu ?? 0) * 100, 0)}%${p.warnings.length > 0 ? `; WARNING: ${p.warnings.join('; ')}` : ''}`,
      ...(options.extraLines?.() ?? []),
      ...requestLines(s.requests),
    ];
    if (tty && drawnLines > 0) options.stream.write(`\x1b[${drawnLines}F\x1b[J`);
    // Request names, warnings and error names may carry server or scenario text.
    options.stream.write(`${escapeLines(lines.join('\n'))}\n`);
    drawnLines = tty ? lines.length : 0;
  }

  const timer = setInterval(render, options.intervalMs);
  return () => clearInterval(timer);
}

/** Writes the chosen report files into a folder, each atomically (temp file + rename). */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationalError } from '../util/operational-error.ts';
import { failuresCsv, historyCsv, statsCsv } from './csv.ts';
import { junitXml } from './junit.ts';
import { reportMarkdown } from './markdown.ts';
import { renderSummaryText } from './summary-text.ts';
import type { RunJson } from './types.ts';

type Renderer = (run: RunJson) => string | Promise<string>;

/** Format name → files it writes. */
const FILES: Record<string, [string, Renderer][]> = {
  txt: [['summary.txt', renderSummaryText]],
  json: [['run.json', (run) => `${JSON.stringify(run, null, 2)}\n`]],
  csv: [
    ['stats.csv', statsCsv],
    ['stats_history.csv', historyCsv],
    ['failures.csv', failuresCsv],
  ],
  junit: [['junit.xml', junitXml]],
  md: [['report.md', reportMarkdown]],
  html: [['report.html', async (run) => (await import('./html.ts')).reportHtml(run)]],
};

export function defaultReportDir(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return join(
    'reports',
    `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`,
  );
}

export async function writeReports(
  run: RunJson,
  options: { outDir: string; formats: readonly string[] },
): Promise<string[]> {
  await mkdir(options.outDir, { recursive: true });
  const written: string[] = [];
  for (const format of options.formats) {
    for (const [name, render] of FILES[format] ?? []) {
      const path = join(options.outDir, name);
      await writeFileAtomic(path, await render(run));
      written.push(path);
    }
  }
  return written;
}

/** A report file that could not be written (a full disk, a folder removed mid-run): named, with its cause. */
export class ReportWriteError extends OperationalError {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'ENOSPC: no space left on device' : (code ?? String(cause));
    super(`cannot write ${path} (${why})`, { cause });
    this.name = 'ReportWriteError';
    this.path = path;
  }
}

/**
 * Writes through a temp file and a rename, so a reader never sees half a report; a failed write
 * leaves no temp file behind and throws ReportWriteError naming the file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new ReportWriteError(path, error);
  }
}

/**
 * The report folder, made and proven writable before any request is sent: a bad `--out` (an
 * existing file, a path under a file, an unwritable folder, '') is exit 2 up front, never a stack
 * trace after the whole run. Default folders are created exclusively, so two runs started in the
 * same second get `…_HHMMSS` and `…_HHMMSS-2` instead of writing into one folder.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { defaultReportDir } from '../report/write.ts';

/** Enough for any burst of runs started in one second; beyond it something else is wrong. */
const MAX_SUFFIX = 1000;

/** Creates the report folder (`--out`, or a fresh default one with `label`) and probes it; returns its path. */
export async function prepareOutDir(out: string | null, label = ''): Promise<string> {
  if (out !== null && out.trim() === '')
    throw new UsageError('--out: empty path (give a folder, e.g. --out reports/run1)');
  const dir = out ?? (await freshDefaultDir(`${defaultReportDir()}${label}`));
  try {
    if (out !== null) await mkdir(dir, { recursive: true });
    // mkdir succeeds on an existing read-only folder: only a real write proves the reports will land.
    const probe = join(dir, `.streamload-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new UsageError(`--out: cannot write reports to "${dir}" (${describe(error)})`);
  }
  return dir;
}

/**
 * A report folder of its own under `base` for one of many runs given one `--out` (the web UI's):
 * `base` while it is new or empty, else `base-2`, `base-3`… created exclusively, as default folders
 * are, so no run overwrites another's reports.
 */
export async function freshOutDir(base: string): Promise<string> {
  if (base.trim() === '') throw new UsageError('--out: empty path (give a folder, e.g. --out reports/run1)');
  try {
    if ((await readdir(base)).length === 0) return base;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`--out: cannot read "${base}" (${describe(error)})`);
  }
  return freshDefaultDir(base);
}

async function freshDefaultDir(base: string): Promise<string> {
  try {
    await mkdir(dirname(base), { recursive: true });
  } catch (error) {
    throw new UsageError(`--out: cannot create "${dirname(base)}" (${describe(error)}); give --out DIR`);
  }
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new UsageError(`--out: cannot create "${dir}" (${describe(error)}); give --out DIR`);
    }
  }
  throw new UsageError(`--out: ${base} and ${MAX_SUFFIX - 1} suffixed folders exist already; give --out DIR`);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EEXIST: 'a file of that name exists',
    ENOTDIR: 'a part of the path is a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
  };
  return code === undefined ? String(error) : `${reasons[code] ?? code}`;
}

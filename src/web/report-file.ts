/**
 * Opening a report file for download: only a regular file directly inside the report folder. A
 * symlink planted in the folder (or a folder swapped for one) must not turn the UI into a reader
 * of any file the process can open, so the file is opened with O_NOFOLLOW and its folder's real
 * path must be the report folder's.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { dirname } from 'node:path';

/** An open handle on `path` when it is a regular file in `reportDir`, else undefined. */
export async function openReportFile(reportDir: string, path: string): Promise<FileHandle | undefined> {
  try {
    const [dir, expected] = await Promise.all([realpath(dirname(path)), realpath(reportDir)]);
    if (dir !== expected) return undefined;
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    if ((await handle.stat()).isFile()) return handle;
    await handle.close();
  } catch {
    // ELOOP (a symlink), ENOENT (gone since the run): not a report file
  }
  return undefined;
}

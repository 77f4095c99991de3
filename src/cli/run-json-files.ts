/** The run.json files named by `merge` arguments: a file as is, a folder's run.json, else its subfolders'. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

export async function runJsonFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (info === null) throw new UsageError(`${input}: no such file or folder`);
    if (info.isFile()) files.push(input);
    else if (await isFile(join(input, 'run.json'))) files.push(join(input, 'run.json'));
    else {
      const { readdir } = await import('node:fs/promises');
      const found: string[] = [];
      for (const entry of (await readdir(input, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ))
        if (entry.isDirectory() && (await isFile(join(input, entry.name, 'run.json'))))
          found.push(join(input, entry.name, 'run.json'));
      if (found.length === 0) throw new UsageError(`${input}: no run.json in it or in its subfolders`);
      files.push(...found);
    }
  }
  return files;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}

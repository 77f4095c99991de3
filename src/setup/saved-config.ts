/**
 * The file `streamload setup` writes (default `./streamload.yml`) and `streamload run` reads as a
 * config file: the run options `target`, `protocol` and `apiKey` of the first app, plus a `setup`
 * section (ignored by `run`) that records what was made, so a second setup reuses it. The file
 * holds API keys: it is written with mode 0600.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { SetupError } from './console-client.ts';

export interface SavedApp {
  /** The DSL file as given (relative to the folder setup ran in). */
  readonly dsl: string;
  /** sha256 of the DSL text imported: a changed file is imported again over the same app. */
  readonly sha256: string;
  readonly appId: string;
  readonly name: string;
  readonly mode: string;
  readonly published: boolean;
  /** The console id of the API key (printable), and the key itself (never printed). */
  readonly keyId?: string;
  readonly apiKey?: string;
  /** Placeholder values for required Start variables the protocol does not fill. */
  readonly inputs?: Readonly<Record<string, string | number>>;
}

export interface SavedSetup {
  readonly target: string;
  readonly protocol: 'workflow' | 'chat';
  /** Absent while the first app has no key yet (a setup that stopped before its key step). */
  readonly apiKey?: string;
  /** The run's static inputs: the first app's placeholders, under any value the user edited. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly setup: {
    readonly console: string;
    readonly email?: string;
    readonly llmBaseUrl?: string;
    readonly apps: readonly SavedApp[];
  };
}

const HEADER =
  '# Written by `streamload setup`; `streamload run` in this folder reads it.\n' +
  '# It holds Dify app API keys: keep it private (mode 0600). `setup` lists what was made.\n';

/** The saved file, or undefined when there is none; a file that is not setup's own is an error. */
export function readSaved(file: string): SavedSetup | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SetupError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new SetupError(`${file}: invalid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const saved = value as Partial<SavedSetup> | null;
  if (saved === null || typeof saved !== 'object' || !Array.isArray(saved.setup?.apps))
    throw new SetupError(
      `${file} was not written by streamload setup (no setup.apps): choose another --save FILE`,
    );
  return saved as SavedSetup;
}

/** Writes the file with mode 0600; returns false when its content is already the same. */
export function writeSaved(file: string, saved: SavedSetup): boolean {
  const text = HEADER + stringify(saved);
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === text) {
    chmodSync(file, 0o600);
    return false;
  }
  writeFileSync(file, text, { mode: 0o600 });
  // An existing file keeps its old mode through writeFileSync: set it explicitly.
  chmodSync(file, 0o600);
  return true;
}

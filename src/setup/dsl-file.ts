/** What setup needs to know of a Dify DSL file before importing it: name, mode, version, plugins. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { SetupError } from './console-client.ts';

export interface DslFile {
  readonly file: string;
  readonly text: string;
  readonly sha256: string;
  readonly name: string;
  readonly mode: string;
  readonly version: string;
  /** `dependencies[].value.marketplace_plugin_unique_identifier` (e.g. `langgenius/openai:0.2.5@…`). */
  readonly plugins: readonly string[];
}

/** The plugin id of a unique identifier: `langgenius/openai:0.2.5@abc` → `langgenius/openai`. */
export function pluginId(identifier: string): string {
  return identifier.split(/[:@]/)[0] as string;
}

export function readDslFile(file: string): DslFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SetupError(
      `--dsl: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first !== undefined)
    throw new SetupError(
      `${file}:${first.linePos?.[0].line ?? 1}: invalid YAML: ${first.message.split('\n')[0]}`,
    );
  // biome-ignore lint/suspicious/noExplicitAny: DSL files are untyped YAML, read field by field.
  const root = doc.toJS() as Record<string, any> | null;
  if (root === null || typeof root !== 'object' || typeof root.app?.mode !== 'string')
    throw new SetupError(`${file}: not a Dify DSL file (no app.mode)`);
  const plugins = (Array.isArray(root.dependencies) ? root.dependencies : [])
    .map(
      (d: { value?: { marketplace_plugin_unique_identifier?: unknown } }) =>
        d?.value?.marketplace_plugin_unique_identifier,
    )
    .filter((id: unknown): id is string => typeof id === 'string' && id !== '');
  return {
    file,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    name: String(root.app.name ?? file),
    mode: root.app.mode,
    version: String(root.version ?? ''),
    plugins,
  };
}

/** Reads a YAML or JSON config file into a table's option values, with file:line on every error. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Scalar } from 'yaml';
import { UsageError } from '../errors.ts';
import { convert, type OptionTable, optionIn } from './option.ts';

/**
 * yaml is 72 modules (~40 ms of CPU at start-up): loaded when a config file is read, not by every
 * run that resolves its options without one. Synchronous, as option resolution is.
 */
function loadYaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

/** yaml's own default: no hand-written config needs more, an expansion attack needs far more. */
const MAX_ALIAS_COUNT = 100;

export function readConfigFile(file: string, table: OptionTable): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--config: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const { isMap, isNode, LineCounter, parseDocument } = loadYaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const first = doc.errors[0];
  if (first !== undefined)
    throw new UsageError(
      `${file}:${first.linePos?.[0].line ?? 1}: invalid YAML/JSON: ${first.message.split('\n')[0]}`,
    );
  if (!isMap(doc.contents)) throw new UsageError(`${file}:1: expected a mapping of option names to values`);
  const values: Record<string, unknown> = {};
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as Scalar;
    const line = keyNode.range ? lines.linePos(keyNode.range[0]).line : 1;
    const name = String(keyNode.value);
    // `streamload setup`'s record of what it made in Dify (apps, key ids): not a run option.
    if (name === 'setup') continue;
    const option = optionIn(table, name);
    if (option === undefined) throw new UsageError(`${file}:${line}: unknown option "${name}"`);
    try {
      // Through the document, so aliases resolve to their anchored values (a node's own toJSON
      // leaves `{source: …}`); each alias's expansion counts against yaml's bound, so a file of
      // nested aliases (billion laughs) is refused instead of expanded into memory.
      const raw = isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) : null;
      values[option] = convert(table[option]!, raw ?? null, name);
    } catch (error) {
      throw new UsageError(`${file}:${line}: ${(error as Error).message}`);
    }
  }
  return values;
}

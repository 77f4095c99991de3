// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * Nodes that reach outside the reference server (tools, agents' tools, document parsing): they
 * run with typed placeholder outputs, and loading a file that has them warns once, so a load test
 * of such an app measures the server and the LLM, never a third-party service. List Operator runs.
 */
import type { Selector } from '../variable-pool.ts';
import { selectorAt } from './flow.ts';
import type { NodeKind } from './types.ts';

/** An empty value of a Dify variable type: `string` → '', `number` → 0, `array[…]` → [], … */
export function placeholderOf(type: string): unknown {
  if (type === 'number' || type === 'integer') return 0;
  if (type === 'boolean') return false;
  if (type === 'object') return {};
  if (type.startsWith('array')) return [];
  return '';
}

export const TOOL: NodeKind<null> = {
  parse: (data, at) => {
    at.warn(
      'tool',
      'tool nodes run with empty outputs (text, files, json): the reference server calls no tool providers',
    );
    void data;
    return null;
  },
  run: () => ({ outputs: { text: '', files: [], json: [] } }),
};

export const DOCUMENT_EXTRACTOR: NodeKind<null> = {
  parse: (_data, at) => {
    at.warn(
      'document-extractor',
      'document extractor nodes give empty text: the reference server parses no files',
    );
    return null;
  },
  run: () => ({ outputs: { text: '' } }),
};

export interface ListOperatorConfig {
  readonly variable: Selector;
  readonly limit: number | null;
  readonly order: 'asc' | 'desc' | null;
}

/** List Operator: limit and order of an array (its filters apply to files, which never exist here). */
export const LIST_OPERATOR: NodeKind<ListOperatorConfig> = {
  parse: (data, at) => {
    const limit = (data.limit as any)?.enabled === true ? Number((data.limit as any).size) : null;
    const order = (data.order_by as any)?.enabled === true ? (data.order_by as any).value : null;
    return {
      variable: selectorAt(data.variable, at, ['variable']),
      limit: limit !== null && Number.isInteger(limit) && limit >= 0 ? limit : null,
      order: order === 'asc' || order === 'desc' ? order : null,
    };
  },
  run: (config, ctx) => {
    const value = ctx.pool.get(config.variable);
    let list = Array.isArray(value) ? [...value] : [];
    if (config.order !== null) {
      list.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
      if (config.order === 'desc') list.reverse();
    }
    if (config.limit !== null) list = list.slice(0, config.limit);
    return { outputs: { result: list, first_record: list[0] ?? null, last_record: list.at(-1) ?? null } };
  },
};

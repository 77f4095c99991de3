// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * The nodes that move values: the Variable Aggregator (`variable-aggregator`, older DSL
 * `variable-assigner`: the first branch that produced a value wins, per group) and the Variable
 * Assigner (`assigner`, v1 and v2: writes conversation or loop variables).
 */
import type { Selector, VariablePool } from '../variable-pool.ts';
import { selectorAt } from './flow.ts';
import { type NodeAt, NodeError, type NodeKind } from './types.ts';

interface AggregatorGroup {
  /** null: the aggregator's single output; else the group's name (`{group: {output}}`). */
  readonly name: string | null;
  readonly selectors: readonly Selector[];
}

export interface AggregatorConfig {
  readonly groups: readonly AggregatorGroup[];
}

function selectors(list: unknown, at: NodeAt, path: readonly (string | number)[]): Selector[] {
  return (Array.isArray(list) ? list : []).map((s, i) => selectorAt(s, at, [...path, i]));
}

export const VARIABLE_AGGREGATOR: NodeKind<AggregatorConfig> = {
  parse: (data, at) => {
    const advanced = data.advanced_settings as any;
    if (advanced?.group_enabled === true && Array.isArray(advanced.groups))
      return {
        groups: advanced.groups.map((g: any, i: number) => ({
          name: String(g?.group_name),
          selectors: selectors(g?.variables, at, ['advanced_settings', 'groups', i, 'variables']),
        })),
      };
    return { groups: [{ name: null, selectors: selectors(data.variables, at, ['variables']) }] };
  },
  run: (config, ctx) => {
    const outputs: Record<string, unknown> = {};
    for (const group of config.groups) {
      const value = group.selectors.map((s) => ctx.pool.get(s)).find((v) => v !== undefined && v !== null);
      if (group.name === null) outputs.output = value ?? null;
      else outputs[group.name] = { output: value ?? null };
    }
    return { outputs };
  },
};

type Operation =
  | 'over-write'
  | 'clear'
  | 'append'
  | 'extend'
  | 'set'
  | '+='
  | '-='
  | '*='
  | '/='
  | 'remove-first'
  | 'remove-last';

const OPERATIONS: readonly Operation[] = [
  'over-write',
  'clear',
  'append',
  'extend',
  'set',
  '+=',
  '-=',
  '*=',
  '/=',
  'remove-first',
  'remove-last',
];

interface Assignment {
  readonly target: Selector;
  readonly operation: Operation;
  /** A selector to read, or a constant. */
  readonly source: { readonly selector: Selector } | { readonly constant: unknown } | null;
}

export interface AssignerConfig {
  readonly items: readonly Assignment[];
}

export const ASSIGNER: NodeKind<AssignerConfig> = {
  parse: (data, at) => {
    if (Array.isArray(data.items))
      return {
        items: data.items.map((item: any, i: number) => {
          const operation = item?.operation ?? 'over-write';
          if (!OPERATIONS.includes(operation))
            return at.fail(['items', i, 'operation'], `assigner operation "${operation}" is not supported`);
          const noValue =
            operation === 'clear' || operation === 'remove-first' || operation === 'remove-last';
          return {
            target: selectorAt(item?.variable_selector, at, ['items', i, 'variable_selector']),
            operation,
            source: noValue
              ? null
              : item?.input_type === 'variable'
                ? { selector: selectorAt(item?.value, at, ['items', i, 'value']) }
                : { constant: item?.value ?? null },
          };
        }),
      };
    // v1: one assignment from input_variable_selector, write_mode over-write | append | clear.
    const mode = data.write_mode ?? 'over-write';
    if (mode !== 'over-write' && mode !== 'append' && mode !== 'clear')
      return at.fail(['write_mode'], `write_mode "${mode}" is not supported`);
    return {
      items: [
        {
          target: selectorAt(data.assigned_variable_selector, at, ['assigned_variable_selector']),
          operation: mode,
          source:
            mode === 'clear'
              ? null
              : { selector: selectorAt(data.input_variable_selector, at, ['input_variable_selector']) },
        },
      ],
    };
  },
  run: (config, ctx) => {
    const written: Record<string, unknown> = {};
    for (const item of config.items) {
      const value = assign(item, ctx.pool);
      ctx.pool.set(item.target, value);
      written[item.target.join('.')] = value;
    }
    return { outputs: {}, processData: { updated_variables: written } };
  },
};

function assign(item: Assignment, pool: VariablePool): unknown {
  const current = pool.get(item.target);
  const input =
    item.source === null
      ? undefined
      : 'selector' in item.source
        ? pool.get(item.source.selector)
        : item.source.constant;
  const list = Array.isArray(current) ? current : [];
  switch (item.operation) {
    case 'over-write':
    case 'set':
      return input ?? null;
    case 'clear':
      return Array.isArray(current)
        ? []
        : typeof current === 'number'
          ? 0
          : typeof current === 'object' && current !== null
            ? {}
            : '';
    case 'append':
      return [...list, input];
    case 'extend':
      return [...list, ...(Array.isArray(input) ? input : [input])];
    case 'remove-first':
      return list.slice(1);
    case 'remove-last':
      return list.slice(0, -1);
    default: {
      const a = Number(current ?? 0);
      const b = Number(input);
      if (Number.isNaN(a) || Number.isNaN(b))
        throw new NodeError(`cannot apply ${item.operation} to ${item.target.join('.')}`);
      if (item.operation === '+=') return a + b;
      if (item.operation === '-=') return a - b;
      if (item.operation === '*=') return a * b;
      if (b === 0) throw new NodeError(`division by zero in ${item.target.join('.')}`);
      return a / b;
    }
  }
}

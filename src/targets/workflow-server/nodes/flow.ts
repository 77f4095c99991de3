// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/** The nodes that shape a run: Start, End, Answer, IF/ELSE and the start markers of containers. */
import type { Selector } from '../variable-pool.ts';
import { type ConditionGroup, compare, groupPasses, logicalOf, parseConditions } from './conditions.ts';
import type { NodeAt, NodeKind } from './types.ts';

export interface StartVariable {
  readonly variable: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly maxLength: number | null;
  readonly options: readonly string[];
}

export interface StartConfig {
  readonly variables: readonly StartVariable[];
}

export function parseStartVariables(list: unknown): StartVariable[] {
  return (Array.isArray(list) ? list : []).map((v: any) => ({
    variable: String(v?.variable),
    label: String(v?.label ?? v?.variable),
    type: String(v?.type ?? 'text-input'),
    required: v?.required === true,
    maxLength: typeof v?.max_length === 'number' ? v.max_length : null,
    options: Array.isArray(v?.options) ? v.options.map(String) : [],
  }));
}

/** The run's inputs are put in the pool under the Start node before it runs; it hands them on. */
export const START: NodeKind<StartConfig> = {
  parse: (data) => ({ variables: parseStartVariables(data.variables) }),
  run: (_config, ctx) => {
    const outputs = { ...ctx.pool.nodeOutputs(ctx.nodeId) };
    return { outputs, inputs: outputs };
  },
};

export interface EndConfig {
  readonly outputs: readonly { readonly variable: string; readonly selector: Selector }[];
}

export function selectorAt(value: unknown, at: NodeAt, path: readonly (string | number)[]): Selector {
  if (!Array.isArray(value) || value.length < 2)
    return at.fail(path, 'expected a variable selector [node, name]');
  return value.map(String);
}

export const END: NodeKind<EndConfig> = {
  parse: (data, at) => ({
    outputs: (Array.isArray(data.outputs) ? data.outputs : []).map((o: any, i: number) => ({
      variable: String(o?.variable),
      selector: selectorAt(o?.value_selector, at, ['outputs', i, 'value_selector']),
    })),
  }),
  run: (config, ctx) => {
    const outputs: Record<string, unknown> = {};
    for (const o of config.outputs) outputs[o.variable] = ctx.pool.get(o.selector) ?? null;
    return { outputs, inputs: outputs };
  },
};

export interface AnswerConfig {
  /** Literal text and `{{#node.var#}}` references, streamed in order as `message` events. */
  readonly answer: string;
}

/** Renders its template; the runner streams it (top level) or sends it as it runs (in a container). */
export const ANSWER: NodeKind<AnswerConfig> = {
  parse: (data, at) => {
    if (typeof data.answer !== 'string') return at.fail([], 'an Answer node needs an answer template');
    return { answer: data.answer };
  },
  run: (config, ctx) => ({ outputs: { answer: ctx.pool.render(config.answer), files: [] } }),
};

export interface IfElseConfig {
  readonly cases: readonly ConditionGroup[];
}

/** Dify's IF/ELSE: the first case that holds names the branch (`sourceHandle`); none → `false`. */
export const IF_ELSE: NodeKind<IfElseConfig> = {
  parse: (data, at) => {
    if (Array.isArray(data.cases))
      return {
        cases: data.cases.map((c: any, i: number) => ({
          id: String(c?.case_id ?? c?.id ?? 'true'),
          logical: logicalOf(c?.logical_operator),
          conditions: parseConditions(c?.conditions, at, ['cases', i, 'conditions']),
        })),
      };
    // Older DSL: one condition list at the top is the `true` case.
    return {
      cases: [
        {
          id: 'true',
          logical: logicalOf(data.logical_operator),
          conditions: parseConditions(data.conditions, at, ['conditions']),
        },
      ],
    };
  },
  run: (config, ctx) => {
    const selected = config.cases.find((c) => groupPasses(c, ctx.pool))?.id ?? 'false';
    const conditions = config.cases.flatMap((c) =>
      c.conditions.map((cond) => {
        const actual = ctx.pool.get(cond.selector);
        const expected = typeof cond.value === 'string' ? ctx.pool.render(cond.value) : cond.value;
        return {
          actual_value: actual ?? null,
          comparison_operator: cond.operator,
          expected_value: expected,
          result: compare(cond.operator, actual, expected),
        };
      }),
    );
    return {
      inputs: { conditions: conditions.map(({ result: _, ...c }) => c) },
      processData: { condition_results: conditions },
      outputs: { result: selected !== 'false', selected_case_id: selected },
      handle: selected,
    };
  },
};

/** `iteration-start` / `loop-start`: where a container's body begins; passes through. */
export const BODY_START: NodeKind<null> = {
  parse: () => null,
  run: () => ({ outputs: {} }),
};

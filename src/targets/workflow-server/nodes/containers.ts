// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * The containers: Iteration runs its body once per item of an array, Loop until its break
 * conditions hold or `loop_count` rounds. Both report as Dify does: `iteration_started`,
 * `iteration_next` before each round, `iteration_completed` (and `loop_*` likewise); the nodes
 * of the body send their own node events, marked with the container's id.
 */
import type { Selector } from '../variable-pool.ts';
import { type ConditionGroup, groupPasses, logicalOf, parseConditions } from './conditions.ts';
import { selectorAt } from './flow.ts';
import { type NodeContext, NodeError, type NodeKind } from './types.ts';

/** Bounds on rounds: a DSL cannot make one request spin without end (Dify's loop limit is 100). */
export const MAX_ITERATION_ITEMS = 1000;
export const MAX_LOOP_COUNT = 100;

const seconds = () => Math.floor(Date.now() / 1000);

/** A container's own events: `<kind>_started` now, `<kind>_next` per round, `<kind>_completed`. */
interface ContainerReport {
  next(index: number, previous: Record<string, unknown>): void;
  complete(outputs: unknown, steps: number): void;
  /** Sends `<kind>_completed` with the body's error, and rethrows it. */
  fail(error: unknown, steps: number): never;
}

function report(
  ctx: NodeContext,
  kind: 'iteration' | 'loop',
  inputs: Record<string, unknown>,
  metadata: Record<string, unknown>,
): ContainerReport {
  const started = performance.now();
  const createdAt = seconds();
  const base = () => ({
    id: ctx.executionId,
    node_id: ctx.nodeId,
    node_type: kind,
    title: ctx.title,
    extras: {},
  });
  ctx.emit(`${kind}_started`, {
    data: { ...base(), created_at: createdAt, inputs_truncated: false, metadata, inputs },
  });
  const completed = (outputs: unknown, error: unknown, steps: number) =>
    ctx.emit(`${kind}_completed`, {
      data: {
        ...base(),
        outputs,
        outputs_truncated: false,
        created_at: createdAt,
        inputs,
        inputs_truncated: false,
        status: error === undefined ? 'succeeded' : 'failed',
        error: error === undefined ? null : (error as Error).message,
        elapsed_time: (performance.now() - started) / 1000,
        total_tokens: 0,
        execution_metadata: {},
        finished_at: seconds(),
        steps,
      },
    });
  return {
    next(index, previous) {
      ctx.emit(`${kind}_next`, { data: { ...base(), index, created_at: seconds(), ...previous } });
    },
    complete: (outputs, steps) => completed(outputs, undefined, steps),
    fail(error, steps) {
      completed(null, error, steps);
      throw error;
    },
  };
}

export interface IterationConfig {
  readonly iterator: Selector;
  readonly output: Selector;
  readonly startNodeId: string;
  readonly flatten: boolean;
  readonly onError: 'terminated' | 'continue-on-error' | 'remove-abnormal-output';
}

export const ITERATION: NodeKind<IterationConfig> = {
  container: 'iteration',
  parse: (data, at) => {
    if (typeof data.start_node_id !== 'string') return at.fail([], 'an Iteration node needs start_node_id');
    const onError = data.error_handle_mode ?? 'terminated';
    if (!['terminated', 'continue-on-error', 'remove-abnormal-output'].includes(onError as string))
      return at.fail(['error_handle_mode'], `error_handle_mode "${onError}" is not supported`);
    return {
      iterator: selectorAt(data.iterator_selector, at, ['iterator_selector']),
      output: selectorAt(data.output_selector, at, ['output_selector']),
      startNodeId: data.start_node_id,
      flatten: data.flatten_output !== false,
      onError: onError as IterationConfig['onError'],
    };
  },
  run: async (config, ctx) => {
    const value = ctx.pool.get(config.iterator);
    const items: unknown[] = value === undefined || value === null ? [] : Array.isArray(value) ? value : [];
    if (!Array.isArray(value) && value !== undefined && value !== null)
      throw new NodeError(`the iterator ${config.iterator.join('.')} is not an array`);
    if (items.length > MAX_ITERATION_ITEMS)
      throw new NodeError(`the iterator has ${items.length} items; at most ${MAX_ITERATION_ITEMS} are run`);
    const inputs = { iterator_selector: items };
    const events = report(ctx, 'iteration', inputs, { iterator_length: items.length });
    const outputs: unknown[] = [];
    for (const [index, item] of items.entries()) {
      ctx.pool.set([ctx.nodeId, 'item'], item);
      ctx.pool.set([ctx.nodeId, 'index'], index);
      events.next(index, { pre_iteration_output: outputs.at(-1) ?? null });
      try {
        await ctx.runBody(config.startNodeId, { containerId: ctx.nodeId, kind: 'iteration', index });
      } catch (error) {
        if (!(error instanceof NodeError) || config.onError === 'terminated') events.fail(error, index + 1);
        if (config.onError === 'continue-on-error') outputs.push(null);
        continue;
      }
      outputs.push(ctx.pool.get(config.output) ?? null);
    }
    const output =
      config.flatten && outputs.length > 0 && outputs.every(Array.isArray) ? outputs.flat() : outputs;
    events.complete({ output }, items.length);
    return { inputs, outputs: { output } };
  },
};

interface LoopVariable {
  readonly label: string;
  readonly type: string;
  readonly value: { readonly selector: Selector } | { readonly constant: unknown };
}

export interface LoopConfig {
  readonly count: number;
  readonly breakWhen: ConditionGroup | null;
  readonly variables: readonly LoopVariable[];
  readonly startNodeId: string;
}

export const LOOP: NodeKind<LoopConfig> = {
  container: 'loop',
  parse: (data, at) => {
    if (typeof data.start_node_id !== 'string') return at.fail([], 'a Loop node needs start_node_id');
    const count = Number(data.loop_count ?? 10);
    if (!Number.isInteger(count) || count < 0 || count > MAX_LOOP_COUNT)
      return at.fail(['loop_count'], `loop_count must be an integer from 0 to ${MAX_LOOP_COUNT}`);
    const conditions = parseConditions(data.break_conditions, at, ['break_conditions']);
    return {
      count,
      breakWhen:
        conditions.length === 0
          ? null
          : { id: 'break', logical: logicalOf(data.logical_operator), conditions },
      variables: (Array.isArray(data.loop_variables) ? data.loop_variables : []).map((v: any, i: number) => ({
        label: String(v?.label),
        type: String(v?.var_type ?? 'string'),
        value:
          v?.value_type === 'variable'
            ? { selector: selectorAt(v?.value, at, ['loop_variables', i, 'value']) }
            : { constant: v?.value ?? null },
      })),
      startNodeId: data.start_node_id,
    };
  },
  run: async (config, ctx) => {
    for (const v of config.variables)
      ctx.pool.set(
        [ctx.nodeId, v.label],
        'selector' in v.value ? ctx.pool.get(v.value.selector) : typed(v.type, v.value.constant),
      );
    const values = () =>
      Object.fromEntries(config.variables.map((v) => [v.label, ctx.pool.get([ctx.nodeId, v.label]) ?? null]));
    const inputs = { loop_count: config.count };
    const events = report(ctx, 'loop', inputs, { loop_length: config.count });
    const shouldStop = () => config.breakWhen !== null && groupPasses(config.breakWhen, ctx.pool);
    let rounds = 0;
    while (rounds < config.count && !shouldStop()) {
      events.next(rounds, { pre_loop_output: rounds === 0 ? null : values() });
      try {
        await ctx.runBody(config.startNodeId, { containerId: ctx.nodeId, kind: 'loop', index: rounds });
      } catch (error) {
        events.fail(error, rounds + 1);
      }
      rounds++;
    }
    const outputs = values();
    events.complete(outputs, rounds);
    return { inputs, outputs };
  },
};

/** A loop variable's constant as its declared type (the DSL writes numbers and lists as strings). */
function typed(type: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (type === 'number') return Number(value);
  if (type === 'boolean') return value === 'true';
  if (type.startsWith('array') || type === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return type === 'object' ? {} : [];
    }
  }
  return value;
}

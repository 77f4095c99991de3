// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * Code (`code`): `main(inputs)` returns the node's outputs. JavaScript always runs (isolated, see
 * code-runner.ts); Python runs only when the operator allowed it and `python3` exists, otherwise
 * the node gives typed placeholders of its declared outputs, and loading warns once.
 */
import type { Selector } from '../variable-pool.ts';
import { selectorAt } from './flow.ts';
import { placeholderOf } from './placeholders.ts';
import { NodeError, type NodeKind } from './types.ts';

export interface CodeConfig {
  readonly language: 'javascript' | 'python3';
  readonly code: string;
  readonly variables: readonly { readonly name: string; readonly selector: Selector }[];
  readonly outputs: Readonly<Record<string, string>>;
  /** Python without the operator's permission: placeholders instead of a run. */
  readonly placeholder: boolean;
}

export const CODE: NodeKind<CodeConfig> = {
  parse: (data, at) => {
    const language = data.code_language ?? 'python3';
    if (language !== 'javascript' && language !== 'python3')
      return at.fail(['code_language'], `code_language "${language}" is not supported (python3, javascript)`);
    if (typeof data.code !== 'string') return at.fail([], 'a Code node needs code');
    const declared = (
      typeof data.outputs === 'object' && data.outputs !== null ? data.outputs : {}
    ) as Record<string, any>;
    const outputs = Object.fromEntries(
      Object.entries(declared).map(([name, o]) => [name, String(o?.type ?? 'string')]),
    );
    const placeholder = language === 'python3' && !at.options.python;
    if (placeholder)
      at.warn(
        'python',
        'Python code nodes give typed placeholders of their declared outputs; ' +
          'serve workflow --python runs them with python3',
      );
    return {
      language,
      code: data.code,
      variables: (Array.isArray(data.variables) ? data.variables : []).map((v: any, i: number) => ({
        name: String(v?.variable),
        selector: selectorAt(v?.value_selector, at, ['variables', i, 'value_selector']),
      })),
      outputs,
      placeholder,
    };
  },
  run: async (config, ctx) => {
    const inputs: Record<string, unknown> = {};
    for (const v of config.variables) inputs[v.name] = ctx.pool.get(v.selector) ?? null;
    if (config.placeholder)
      return {
        inputs,
        outputs: Object.fromEntries(
          Object.entries(config.outputs).map(([name, type]) => [name, placeholderOf(type)]),
        ),
      };
    const result =
      config.language === 'javascript'
        ? await ctx.services.code.javascript(config.code, inputs, ctx.signal)
        : await ctx.services.code.python(config.code, inputs, ctx.signal);
    const outputs: Record<string, unknown> = {};
    for (const name of Object.keys(config.outputs)) {
      if (!Object.hasOwn(result, name)) throw new NodeError(`Output ${name} is missing.`);
      outputs[name] = result[name];
    }
    return { inputs, outputs };
  },
};

// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * Template (`template-transform`): a Jinja2 template rendered with nunjucks, the Jinja-compatible
 * engine of the Node world. Compiled at load, so a syntax error refuses the file with its line.
 * No loader: `{% include %}` and friends cannot read files; output is bounded like Dify's.
 */
import nunjucks from 'nunjucks';
import type { Selector } from '../variable-pool.ts';
import { selectorAt } from './flow.ts';
import { NodeError, type NodeKind } from './types.ts';

/** Dify refuses template output past this many characters. */
export const MAX_TEMPLATE_OUTPUT = 400_000;

const environment = new nunjucks.Environment(null, { autoescape: false });
// Jinja2 filters nunjucks lacks.
environment.addFilter('tojson', (value: unknown) => JSON.stringify(value));

export interface TemplateConfig {
  readonly template: nunjucks.Template;
  readonly variables: readonly { readonly name: string; readonly selector: Selector }[];
}

export const TEMPLATE_TRANSFORM: NodeKind<TemplateConfig> = {
  parse: (data, at) => {
    if (typeof data.template !== 'string') return at.fail([], 'a Template node needs a template');
    let template: nunjucks.Template;
    try {
      template = new nunjucks.Template(data.template, environment, undefined, true);
    } catch (error) {
      return at.fail(['template'], `template does not compile: ${firstLine(error)}`);
    }
    const variables = (Array.isArray(data.variables) ? data.variables : []).map((v: any, i: number) => ({
      name: String(v?.variable),
      selector: selectorAt(v?.value_selector, at, ['variables', i, 'value_selector']),
    }));
    return { template, variables };
  },
  run: (config, ctx) => {
    const values: Record<string, unknown> = {};
    for (const v of config.variables) values[v.name] = ctx.pool.get(v.selector) ?? null;
    let output: string;
    try {
      output = config.template.render(values);
    } catch (error) {
      throw new NodeError(`template failed: ${firstLine(error)}`);
    }
    if (output.length > MAX_TEMPLATE_OUTPUT)
      throw new NodeError(`Output length exceeds ${MAX_TEMPLATE_OUTPUT} characters`);
    return { inputs: values, outputs: { output } };
  },
};

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

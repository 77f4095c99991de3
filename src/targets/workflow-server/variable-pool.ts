/**
 * A run's variables, addressed the way Dify's DSL addresses them: a selector `[node_id, name, …]`
 * (`sys`, `conversation` and `env` are node ids too) and `{{#node.name#}}` references in text.
 */

export type Selector = readonly string[];

const REFERENCE = /\{\{#([\w.-]+)#\}\}/g;

export class VariablePool {
  readonly #nodes = new Map<string, Record<string, unknown>>();

  /** Sets (replaces) a node's outputs. */
  setNode(nodeId: string, outputs: Record<string, unknown>): void {
    this.#nodes.set(nodeId, outputs);
  }

  hasNode(nodeId: string): boolean {
    return this.#nodes.has(nodeId);
  }

  nodeOutputs(nodeId: string): Record<string, unknown> | undefined {
    return this.#nodes.get(nodeId);
  }

  /** A value by selector; undefined when any step is missing. */
  get(selector: Selector): unknown {
    const [nodeId, ...path] = selector;
    let value: unknown = this.#nodes.get(nodeId as string);
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value;
  }

  /** Writes one variable (`[node, name]`), creating the node's record when needed. */
  set(selector: Selector, value: unknown): void {
    const [nodeId, name] = selector;
    if (nodeId === undefined || name === undefined) return;
    const outputs = this.#nodes.get(nodeId) ?? {};
    outputs[name] = value;
    this.#nodes.set(nodeId, outputs);
  }

  /** Renders every `{{#node.name#}}` in `text`: strings as they are, other values as JSON, missing as ''. */
  render(text: string): string {
    return text.replace(REFERENCE, (_, ref: string) => toText(this.get(ref.split('.'))));
  }
}

export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The selectors a text's `{{#…#}}` references name. */
export function referencesIn(text: string): Selector[] {
  return [...text.matchAll(REFERENCE)].map((m) => (m[1] as string).split('.'));
}

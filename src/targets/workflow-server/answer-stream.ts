/**
 * How a chatflow's Answer nodes become `message` events: their templates are read as one sequence
 * of literal text and `{{#node.var#}}` references, emitted in template order as soon as each part
 * is known. A reference to an LLM node's `text` is streamed delta by delta while that LLM runs (the
 * way Dify's answer stream processor forwards it); any other reference is emitted whole once its
 * node has finished. Literal text before the first reference goes out at the start of the run.
 */

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ref'; readonly raw: string; readonly node: string; readonly path: readonly string[] };

const REFERENCE = /\{\{#([\w.-]+)#\}\}/g;

export function parseAnswerTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(REFERENCE)) {
    const index = match.index;
    if (index > last) parts.push({ kind: 'text', text: template.slice(last, index) });
    const [node, ...path] = (match[1] as string).split('.');
    parts.push({ kind: 'ref', raw: match[0], node: node as string, path });
    last = index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

export interface AnswerStream {
  /** Emits every part whose value is known, up to the first one that is not. Call after each node. */
  flush(): void;
  /** An LLM delta: emitted (returns true) when the answer waits on exactly this LLM's text. */
  delta(llmNodeId: string, text: string): boolean;
}

export interface AnswerStreamHooks {
  /** Whether a node has finished (its outputs are in the variable pool). */
  readonly isDone: (nodeId: string) => boolean;
  /** Renders one `{{#…#}}` reference from the variable pool. */
  readonly render: (reference: string) => string;
  /** One `message` event: its text and the selector it came from (null for literal text). */
  readonly emit: (text: string, selector: readonly string[] | null) => void;
}

export function createAnswerStream(templates: readonly string[], hooks: AnswerStreamHooks): AnswerStream {
  const parts = templates.flatMap(parseAnswerTemplate);
  let cursor = 0;
  /** The part at the cursor is being streamed by deltas: when its node finishes, it is already out. */
  let streaming = false;
  return {
    flush() {
      while (cursor < parts.length) {
        const part = parts[cursor] as Part;
        if (part.kind === 'text') {
          hooks.emit(part.text, null);
        } else {
          if (part.node !== 'sys' && !hooks.isDone(part.node)) return;
          if (!streaming) {
            const text = hooks.render(part.raw);
            if (text !== '') hooks.emit(text, [part.node, ...part.path]);
          }
        }
        cursor++;
        streaming = false;
      }
    },
    delta(llmNodeId, text) {
      const part = parts[cursor];
      if (part?.kind !== 'ref' || part.node !== llmNodeId || part.path.join('.') !== 'text') return false;
      streaming = true;
      hooks.emit(text, [llmNodeId, 'text']);
      return true;
    },
  };
}

/**
 * How a chatflow's Answer nodes become `message` events: their templates are read as one sequence
 * of literal text and `{{#node.var#}}` references (in graph order), emitted in that order as soon
 * as each part is known. A reference to an LLM node's `text` is streamed delta by delta while that
 * LLM runs (the way Dify's answer stream processor forwards it); any other reference is emitted
 * whole once its node has finished. An Answer on a branch waits until the branch is decided: its
 * parts go out once it is launched, or are dropped when it is skipped. An Answer every run reaches
 * is `certain`: its literal text goes out at the start of the run.
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

export interface AnswerEntry {
  readonly nodeId: string;
  readonly template: string;
  /** Every run reaches this Answer (no branch on the way): it need not wait to be launched. */
  readonly certain: boolean;
}

export interface AnswerStream {
  /** Emits every part whose value is known, up to the first one that is not. Call after each node. */
  flush(): void;
  /** An LLM delta: emitted (returns true) when the answer waits on exactly this LLM's text. */
  delta(llmNodeId: string, text: string): boolean;
  /** The Answer node's branch was taken. */
  activate(answerNodeId: string): void;
  /** The Answer node will not run: its parts are dropped. */
  skip(answerNodeId: string): void;
}

export interface AnswerStreamHooks {
  /** Whether a reference to `nodeId` in the Answer `ownerId` can be rendered now. */
  readonly isDone: (nodeId: string, ownerId: string) => boolean;
  /** Renders one `{{#…#}}` reference from the variable pool. */
  readonly render: (reference: string) => string;
  /** One `message` event: its text and the selector it came from (null for literal text). */
  readonly emit: (text: string, selector: readonly string[] | null) => void;
}

export function createAnswerStream(entries: readonly AnswerEntry[], hooks: AnswerStreamHooks): AnswerStream {
  const parts = entries.flatMap((e) =>
    parseAnswerTemplate(e.template).map((part) => ({ part, owner: e.nodeId })),
  );
  const state = new Map<string, 'active' | 'pending' | 'skipped'>(
    entries.map((e) => [e.nodeId, e.certain ? 'active' : 'pending']),
  );
  let cursor = 0;
  /** The part at the cursor is being streamed by deltas: when its node finishes, it is already out. */
  let streaming = false;
  return {
    flush() {
      while (cursor < parts.length) {
        const { part, owner } = parts[cursor] as { part: Part; owner: string };
        const ownerState = state.get(owner);
        if (ownerState === 'pending') return;
        if (ownerState === 'active') {
          if (part.kind === 'text') {
            hooks.emit(part.text, null);
          } else {
            if (!hooks.isDone(part.node, owner)) return;
            if (!streaming) {
              const text = hooks.render(part.raw);
              if (text !== '') hooks.emit(text, [part.node, ...part.path]);
            }
          }
        }
        cursor++;
        streaming = false;
      }
    },
    delta(llmNodeId, text) {
      const current = parts[cursor];
      if (current === undefined || state.get(current.owner) !== 'active') return false;
      const { part } = current;
      if (part.kind !== 'ref' || part.node !== llmNodeId || part.path.join('.') !== 'text') return false;
      streaming = true;
      hooks.emit(text, [llmNodeId, 'text']);
      return true;
    },
    activate(answerNodeId) {
      if (state.get(answerNodeId) === 'pending') state.set(answerNodeId, 'active');
    },
    skip(answerNodeId) {
      if (state.get(answerNodeId) === 'pending') state.set(answerNodeId, 'skipped');
    },
  };
}

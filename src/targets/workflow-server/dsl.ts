// biome-ignore-all lint/suspicious/noExplicitAny: DSL files are untyped YAML, walked defensively and validated field by field.
/**
 * Loads a Dify DSL YAML file into an App. Anything the reference server cannot run stops startup
 * with `file:line: reason`, so a user fixes the file rather than guessing at a later failure.
 */
import { readFileSync } from 'node:fs';
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { App, StartVariable, WorkflowNode } from './app.ts';

export class DslError extends Error {}

type Path = readonly (string | number)[];

export function loadDslFile(file: string): App {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DslError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseDsl(text, file);
}

export function parseDsl(text: string, file: string): App {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0].line ?? 1;
    throw new DslError(`${file}:${line}: invalid YAML: ${first?.message.split('\n')[0]}`);
  }
  const fail = (path: Path, reason: string): never => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    const line = offset === undefined ? lineOfParent(doc, path, lines) : lines.linePos(offset).line;
    throw new DslError(`${file}:${line}: ${reason}`);
  };
  const root = doc.toJS() as Record<string, any> | null;
  if (root === null || typeof root !== 'object') return fail([], 'not a Dify DSL document');
  const mode = root.app?.mode;
  const name = String(root.app?.name ?? file);
  const description = String(root.app?.description ?? '');
  if (mode !== 'workflow' && mode !== 'advanced-chat')
    return fail(
      ['app', 'mode'],
      `app.mode "${mode}" is not supported (workflow and advanced-chat apps can be loaded)`,
    );
  const graph = root.workflow?.graph;
  if (!Array.isArray(graph?.nodes)) return fail(['workflow'], 'workflow.graph.nodes is missing');
  const edges: { source: string; target: string }[] = Array.isArray(graph.edges) ? graph.edges : [];
  const byId = new Map<string, { data: Record<string, any>; index: number }>();
  graph.nodes.forEach((node: any, index: number) => {
    if (typeof node?.data?.type !== 'string')
      fail(['workflow', 'graph', 'nodes', index], 'node without data.type');
    byId.set(String(node.id), { data: node.data, index });
  });
  const starts = [...byId.entries()].filter(([, n]) => n.data.type === 'start');
  if (starts.length !== 1)
    return fail(['workflow', 'graph', 'nodes'], `expected exactly one start node, found ${starts.length}`);
  const nodes: WorkflowNode[] = [];
  let current: string | undefined = (starts[0] as [string, unknown])[0];
  const seen = new Set<string>();
  while (current !== undefined) {
    if (seen.has(current))
      return fail(['workflow', 'graph', 'edges'], `the graph has a cycle at node ${current}`);
    seen.add(current);
    const entry = byId.get(current);
    if (entry === undefined)
      return fail(['workflow', 'graph', 'edges'], `an edge points to unknown node ${current}`);
    nodes.push(toNode(current, entry.data, ['workflow', 'graph', 'nodes', entry.index], fail));
    const next = edges.filter((e) => String(e.source) === current);
    if (next.length > 1)
      return fail(
        ['workflow', 'graph', 'edges'],
        `node ${current} branches; only linear chains are supported`,
      );
    current = next[0] === undefined ? undefined : String(next[0].target);
  }
  // A workflow ends in End; a chatflow answers through Answer nodes and has no End.
  const last = mode === 'workflow' ? 'end' : 'answer';
  const misplaced = nodes.find((n) => n.type === (mode === 'workflow' ? 'answer' : 'end'));
  if (misplaced !== undefined)
    return fail(
      ['workflow', 'graph', 'nodes', byId.get(misplaced.id)?.index ?? 0, 'data', 'type'],
      `node type "${misplaced.type}" does not belong in ${mode === 'workflow' ? 'a workflow' : 'an advanced-chat'} app`,
    );
  if (nodes.at(-1)?.type !== last)
    return fail(
      ['workflow', 'graph', 'nodes'],
      `the chain from the start node does not reach ${last === 'end' ? 'an end' : 'an answer'} node`,
    );
  return { mode, name, description, nodes };
}

function toNode(
  id: string,
  data: Record<string, any>,
  path: Path,
  fail: (p: Path, r: string) => never,
): WorkflowNode {
  const title = String(data.title ?? data.type);
  switch (data.type) {
    case 'start': {
      const variables: StartVariable[] = (Array.isArray(data.variables) ? data.variables : []).map(
        (v: any) => ({
          variable: String(v.variable),
          label: String(v.label ?? v.variable),
          type: String(v.type ?? 'text-input'),
          required: v.required === true,
          maxLength: typeof v.max_length === 'number' ? v.max_length : null,
          options: Array.isArray(v.options) ? v.options.map(String) : [],
        }),
      );
      return { id, type: 'start', title, variables };
    }
    case 'llm': {
      if (!Array.isArray(data.prompt_template))
        return fail([...path, 'data'], `LLM node "${title}" needs a chat-mode prompt_template list`);
      const promptTemplate = data.prompt_template.map((p: any) => ({
        role: String(p.role ?? 'user'),
        text: String(p.text ?? ''),
      }));
      // A chatflow LLM with memory sends the user's turn from memory.query_prompt_template
      // (`{{#sys.query#}}` by default) after its prompt, as Dify does.
      const query = data.memory?.query_prompt_template;
      if (typeof data.memory === 'object' && data.memory !== null && data.memory.enabled !== false)
        promptTemplate.push({ role: 'user', text: typeof query === 'string' ? query : '{{#sys.query#}}' });
      return {
        id,
        type: 'llm',
        title,
        // An empty model name (fixtures leave it blank) still gets a completion from the mock.
        model: String(data.model?.name || 'gpt-4o-mini'),
        completionParams: data.model?.completion_params ?? {},
        promptTemplate,
      };
    }
    case 'end': {
      const outputs = (Array.isArray(data.outputs) ? data.outputs : []).map((o: any, i: number) => {
        if (!Array.isArray(o.value_selector))
          fail([...path, 'data', 'outputs', i], `End output "${o.variable}" has no value_selector`);
        return { variable: String(o.variable), selector: o.value_selector.map(String) };
      });
      return { id, type: 'end', title, outputs };
    }
    case 'answer': {
      if (typeof data.answer !== 'string')
        return fail([...path, 'data'], `Answer node "${title}" needs an answer template`);
      return { id, type: 'answer', title, answer: data.answer };
    }
    default:
      return fail(
        [...path, 'data', 'type'],
        `node type "${data.type}" is not supported (start, llm, end, answer)`,
      );
  }
}

function lineOfParent(doc: Document, path: Path, lines: LineCounter): number {
  for (let n = path.length - 1; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if ((isMap(node) || isSeq(node)) && node.range !== undefined && node.range !== null)
      return lines.linePos(node.range[0]).line;
  }
  return 1;
}

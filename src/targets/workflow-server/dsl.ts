// biome-ignore-all lint/suspicious/noExplicitAny: DSL files are untyped YAML, walked defensively and validated field by field.
/**
 * Loads a Dify DSL YAML file into an App. Anything the reference server cannot run stops startup
 * with `file:line: reason`, so a user fixes the file rather than guessing at a later failure.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { App, Edge, ErrorStrategy, Graph, ModelApp, WorkflowNode } from './app.ts';
import { parseStartVariables, type StartVariable } from './nodes/flow.ts';
import { modelOf } from './nodes/model-nodes.ts';
import { NODE_KINDS, NODE_TYPES } from './nodes/registry.ts';
import type { DslOptions, NodeAt, Path } from './nodes/types.ts';

export class DslError extends Error {}

export interface LoadedApp {
  readonly app: App;
  /** Load-time warnings by key (e.g. `python`, `tool`): the CLI prints each key once. */
  readonly warnings: ReadonlyMap<string, string>;
}

const DEFAULT_OPTIONS: DslOptions = { python: false };

export function loadDslFile(file: string, options: DslOptions = DEFAULT_OPTIONS): App {
  return readDslFile(file, options).app;
}

/** Loads a DSL file with its load-time warnings. */
export function readDslFile(file: string, options: DslOptions = DEFAULT_OPTIONS): LoadedApp {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DslError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseDslWithWarnings(text, file, options);
}

export function parseDsl(text: string, file: string, options: DslOptions = DEFAULT_OPTIONS): App {
  return parseDslWithWarnings(text, file, options).app;
}

export function parseDslWithWarnings(
  text: string,
  file: string,
  options: DslOptions = DEFAULT_OPTIONS,
): LoadedApp {
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
  const warnings = new Map<string, string>();
  const root = doc.toJS() as Record<string, any> | null;
  if (root === null || typeof root !== 'object' || Array.isArray(root))
    return fail([], 'not a Dify DSL document');
  const name = String(root.app?.name ?? basename(file).replace(/\.ya?ml$/, ''));
  const description = String(root.app?.description ?? '');
  let mode = root.app?.mode;
  let graphPath: Path = ['workflow', 'graph'];
  if (root.app === undefined) {
    // Not an app export: a bare graph (`nodes:` / `edges:` at the top, each node with data.type)
    // runs as a workflow, or a chatflow when it answers; anything else is refused by name.
    const bare = Array.isArray(root.nodes) && root.nodes.every((n: any) => typeof n?.data?.type === 'string');
    if (!bare)
      return fail([], 'not a Dify app export: no app: section, and no graph of nodes with data.type');
    graphPath = [];
    mode = root.nodes.some((n: any) => n.data.type === 'answer') ? 'advanced-chat' : 'workflow';
  }
  const base = { name, description };
  if (mode === 'chat' || mode === 'agent-chat' || mode === 'completion')
    return { app: modelApp(mode, base, root.model_config, fail), warnings };
  if (mode !== 'workflow' && mode !== 'advanced-chat')
    return fail(
      ['app', 'mode'],
      `app.mode "${mode}" is not supported (workflow, advanced-chat, chat, agent-chat, completion)`,
    );
  const graphData = graphPath.length === 0 ? root : root.workflow?.graph;
  const at = (path: Path): NodeAt => ({
    fail: (sub, reason) => fail([...path, ...sub], reason),
    warn: (key, message) => warnings.set(key, message),
    options,
  });
  const graph = readGraph(graphData, graphPath, mode, at, fail);
  return {
    app: {
      mode,
      ...base,
      graph,
      conversationVariables: namedValues(root.workflow?.conversation_variables),
      environmentVariables: namedValues(root.workflow?.environment_variables),
    },
    warnings,
  };
}

function readGraph(
  data: any,
  path: Path,
  mode: 'workflow' | 'advanced-chat',
  at: (path: Path) => NodeAt,
  fail: (path: Path, reason: string) => never,
): Graph {
  if (!Array.isArray(data?.nodes)) return fail([...path], 'workflow.graph.nodes is missing');
  const nodes = new Map<string, WorkflowNode>();
  for (const [index, node] of (data.nodes as any[]).entries()) {
    // Sticky notes of the editor canvas are not nodes of the graph.
    if (node?.type === 'custom-note') continue;
    const nodePath = [...path, 'nodes', index];
    const type = node?.data?.type;
    if (typeof type !== 'string') return fail(nodePath, 'node without data.type');
    const kind = NODE_KINDS[type];
    if (kind === undefined)
      return fail(
        [...nodePath, 'data', 'type'],
        `node type "${type}" is not supported (${NODE_TYPES.join(', ')})`,
      );
    const id = String(node.id);
    if (nodes.has(id)) return fail([...nodePath, 'id'], `node id ${id} appears twice`);
    const dataPath = [...nodePath, 'data'];
    const parent = node.parentId ?? node.data.iteration_id ?? node.data.loop_id;
    nodes.set(id, {
      id,
      type,
      title: String(node.data.title ?? type),
      parentId: parent === undefined || parent === null ? null : String(parent),
      config: kind.parse(node.data, at(dataPath)),
      errorStrategy: errorStrategyOf(node.data),
    });
  }
  const starts = [...nodes.values()].filter((n) => n.type === 'start' && n.parentId === null);
  if (starts.length !== 1)
    return fail([...path, 'nodes'], `expected exactly one start node, found ${starts.length}`);
  const startId = (starts[0] as WorkflowNode).id;
  const edges: Edge[] = (Array.isArray(data.edges) ? data.edges : []).map((e: any, i: number) => {
    const source = String(e?.source);
    const target = String(e?.target);
    for (const end of [source, target])
      if (!nodes.has(end)) fail([...path, 'edges', i], `an edge points to unknown node ${end}`);
    return { source, target, handle: String(e?.sourceHandle ?? 'source') };
  });
  const indexOf = (id: string) => data.nodes.findIndex((n: any) => String(n.id) === id);
  for (const node of nodes.values()) {
    if (node.parentId !== null && !nodes.has(node.parentId))
      fail(
        [...path, 'nodes', indexOf(node.id)],
        `node ${node.id} is inside unknown container ${node.parentId}`,
      );
    const startNodeId = (node.config as { startNodeId?: string } | null)?.startNodeId;
    if (startNodeId !== undefined && nodes.get(startNodeId)?.parentId !== node.id)
      fail(
        [...path, 'nodes', indexOf(node.id), 'data', 'start_node_id'],
        `start node ${startNodeId} is not inside ${node.id}`,
      );
    // A workflow ends in End; a chatflow answers through Answer nodes and has no End.
    if (node.type === (mode === 'workflow' ? 'answer' : 'end'))
      fail(
        [...path, 'nodes', indexOf(node.id), 'data', 'type'],
        `node type "${node.type}" does not belong in ${mode === 'workflow' ? 'a workflow' : 'an advanced-chat'} app`,
      );
  }
  const cycle = findCycle(nodes, edges);
  if (cycle !== undefined) return fail([...path, 'edges'], `the graph has a cycle at node ${cycle}`);
  const last = mode === 'workflow' ? 'end' : 'answer';
  if (![...nodes.values()].some((n) => n.type === last))
    return fail([...path, 'nodes'], `the graph has no ${last === 'end' ? 'end' : 'answer'} node`);
  return { nodes, edges, startId };
}

function errorStrategyOf(data: Record<string, any>): ErrorStrategy | null {
  if (data.error_strategy === 'fail-branch') return { kind: 'fail-branch' };
  if (data.error_strategy === 'default-value')
    return {
      kind: 'default-value',
      values: Object.fromEntries(
        (Array.isArray(data.default_value) ? data.default_value : []).map((d: any) => [
          String(d?.key),
          d?.value ?? null,
        ]),
      ),
    };
  return null;
}

/** A node reached again along the edges (Dify graphs are acyclic; loops are containers). */
function findCycle(nodes: ReadonlyMap<string, WorkflowNode>, edges: readonly Edge[]): string | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): string | undefined => {
    if (state.get(id) === 'open') return id;
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'open');
    for (const target of next.get(id) ?? []) {
      const found = visit(target);
      if (found !== undefined) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of nodes.keys()) {
    const found = visit(id);
    if (found !== undefined) return found;
  }
  return undefined;
}

function namedValues(list: unknown): Record<string, unknown> {
  if (!Array.isArray(list)) return {};
  return Object.fromEntries(list.map((v: any) => [String(v?.name), v?.value ?? null]));
}

/**
 * A chat, agent-chat or completion app from its `model_config`: the prompt (simple `pre_prompt`
 * with `{{input}}` placeholders, or the advanced prompt), the model and the input form.
 */
function modelApp(
  mode: ModelApp['mode'],
  base: { name: string; description: string },
  config: any,
  fail: (path: Path, reason: string) => never,
): ModelApp {
  if (typeof config !== 'object' || config === null)
    return fail(['app', 'mode'], `a ${mode} app needs a model_config section`);
  const inputs: StartVariable[] = parseStartVariables(
    (Array.isArray(config.user_input_form) ? config.user_input_form : []).map((entry: any) => {
      const [type, field] = Object.entries(entry ?? {})[0] ?? ['text-input', {}];
      return { ...(field as object), type };
    }),
  );
  const advanced =
    config.prompt_type === 'advanced'
      ? mode === 'completion'
        ? [{ role: 'user', text: String(config.completion_prompt_config?.prompt?.text ?? '') }]
        : (Array.isArray(config.chat_prompt_config?.prompt) ? config.chat_prompt_config.prompt : []).map(
            (p: any) => ({
              role: String(p?.role ?? 'user'),
              text: String(p?.text ?? ''),
            }),
          )
      : null;
  const prompt = (
    advanced ?? [{ role: mode === 'completion' ? 'user' : 'system', text: String(config.pre_prompt ?? '') }]
  ).map((p: { role: string; text: string }) => ({ role: p.role, text: fromAppPlaceholders(p.text) }));
  // Chat apps send the user's message after the prompt; a completion app's prompt holds its inputs.
  if (mode !== 'completion') prompt.push({ role: 'user', text: '{{#sys.query#}}' });
  return { mode, ...base, inputs, llm: { ...modelOf(config), promptTemplate: prompt } };
}

/** `{{input}}` (app prompts) → `{{#inputs.input#}}`; `{{#query#}}` → the user's message; history and context are empty. */
function fromAppPlaceholders(text: string): string {
  return text
    .replace(/\{\{#(histories|context)#\}\}/g, '')
    .replace(/\{\{#query#\}\}/g, '{{#sys.query#}}')
    .replace(/\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g, '{{#inputs.$1#}}');
}

function lineOfParent(doc: Document, path: Path, lines: LineCounter): number {
  for (let n = path.length - 1; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if ((isMap(node) || isSeq(node)) && node.range !== undefined && node.range !== null)
      return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/**
 * The reference server's model of a Dify app: a node graph (workflow, chatflow `advanced-chat`),
 * or one model call behind a prompt (chat, agent-chat, completion).
 */
import type { StartConfig, StartVariable } from './nodes/flow.ts';
import type { LlmSettings } from './nodes/model-nodes.ts';

export type { StartVariable } from './nodes/flow.ts';
export type { LlmSettings } from './nodes/model-nodes.ts';

/** What a node does when it fails: Dify's `error_strategy`. */
export type ErrorStrategy =
  | { readonly kind: 'default-value'; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'fail-branch' };

export interface WorkflowNode {
  readonly id: string;
  /** The DSL `data.type`; its kind (nodes/registry.ts) reads `config` and runs it. */
  readonly type: string;
  readonly title: string;
  /** The container (iteration or loop) whose body this node is in; null at the top level. */
  readonly parentId: string | null;
  readonly config: unknown;
  readonly errorStrategy: ErrorStrategy | null;
}

export interface Edge {
  readonly source: string;
  readonly target: string;
  /** The source's handle: `source`, or a branch (IF/ELSE case id, class id, `fail-branch`). */
  readonly handle: string;
}

export interface Graph {
  readonly nodes: ReadonlyMap<string, WorkflowNode>;
  readonly edges: readonly Edge[];
  /** The top-level Start node. */
  readonly startId: string;
}

interface GraphAppBase {
  readonly name: string;
  readonly description: string;
  readonly graph: Graph;
  /** `conversation.*` variables and their initial values (each request starts from them). */
  readonly conversationVariables: Readonly<Record<string, unknown>>;
  /** `env.*` variables. */
  readonly environmentVariables: Readonly<Record<string, unknown>>;
}

export interface WorkflowApp extends GraphAppBase {
  readonly mode: 'workflow';
}

/** A chatflow (`advanced-chat`): a graph answered on /v1/chat-messages through Answer nodes. */
export interface ChatflowApp extends GraphAppBase {
  readonly mode: 'advanced-chat';
}

/** The apps that run a node graph. */
export type GraphApp = WorkflowApp | ChatflowApp;

/** A chat, agent-chat or completion app: its prompt, model and input form (`model_config`). */
export interface ModelApp {
  readonly mode: 'chat' | 'agent-chat' | 'completion';
  readonly name: string;
  readonly description: string;
  /** The prompt; `{{#inputs.x#}}` and `{{#sys.query#}}` are filled per request. */
  readonly llm: LlmSettings;
  readonly inputs: readonly StartVariable[];
}

export type App = GraphApp | ModelApp;

export function isGraphApp(app: App): app is GraphApp {
  return app.mode === 'workflow' || app.mode === 'advanced-chat';
}

export function startVariables(app: App): readonly StartVariable[] {
  if (!isGraphApp(app)) return app.inputs;
  const start = app.graph.nodes.get(app.graph.startId);
  return (start?.config as StartConfig | undefined)?.variables ?? [];
}

/** A graph that runs its nodes one after the other (the built-in apps). */
export function chain(nodes: readonly Omit<WorkflowNode, 'parentId' | 'errorStrategy'>[]): Graph {
  return {
    nodes: new Map(nodes.map((n) => [n.id, { ...n, parentId: null, errorStrategy: null }])),
    edges: nodes
      .slice(1)
      .map((n, i) => ({ source: (nodes[i] as WorkflowNode).id, target: n.id, handle: 'source' })),
    startId: (nodes[0] as WorkflowNode).id,
  };
}

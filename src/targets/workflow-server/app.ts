/**
 * The reference server's model of a Dify app: a linear Start → (LLM) → End chain (workflow), a
 * Start → (LLM) → Answer chain (chatflow, `advanced-chat`), or a chat app.
 */
export interface StartVariable {
  readonly variable: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly maxLength: number | null;
  readonly options: readonly string[];
}

export interface LlmSettings {
  readonly model: string;
  readonly completionParams: Readonly<Record<string, unknown>>;
  readonly promptTemplate: readonly { readonly role: string; readonly text: string }[];
}

export type WorkflowNode =
  | {
      readonly id: string;
      readonly type: 'start';
      readonly title: string;
      readonly variables: readonly StartVariable[];
    }
  | ({ readonly id: string; readonly type: 'llm'; readonly title: string } & LlmSettings)
  | {
      readonly id: string;
      readonly type: 'end';
      readonly title: string;
      readonly outputs: readonly { readonly variable: string; readonly selector: readonly string[] }[];
    }
  | {
      readonly id: string;
      readonly type: 'answer';
      readonly title: string;
      /** Template such as `{{#llm.text#}}`: literal parts and variable references, streamed in order. */
      readonly answer: string;
    };

export interface WorkflowApp {
  readonly mode: 'workflow';
  readonly name: string;
  readonly description: string;
  /** Execution order (the chain from the start node). */
  readonly nodes: readonly WorkflowNode[];
}

/** A chatflow (`advanced-chat`): a graph like a workflow's, answered on /v1/chat-messages through Answer nodes. */
export interface ChatflowApp {
  readonly mode: 'advanced-chat';
  readonly name: string;
  readonly description: string;
  /** Execution order (the chain from the start node), ending in an Answer node. */
  readonly nodes: readonly WorkflowNode[];
}

/** The apps that run a node graph. */
export type GraphApp = WorkflowApp | ChatflowApp;

export interface ChatApp {
  readonly mode: 'chat';
  readonly name: string;
  readonly description: string;
  readonly llm: LlmSettings;
}

export type App = WorkflowApp | ChatflowApp | ChatApp;

export function startVariables(app: App): readonly StartVariable[] {
  if (app.mode === 'chat') return [];
  const start = app.nodes[0];
  return start?.type === 'start' ? start.variables : [];
}

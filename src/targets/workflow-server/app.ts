/** The reference server's model of a Dify app: a linear Start → (LLM) → End chain, or a chat app. */
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
    };

export interface WorkflowApp {
  readonly mode: 'workflow';
  readonly name: string;
  readonly description: string;
  /** Execution order (the chain from the start node). */
  readonly nodes: readonly WorkflowNode[];
}

export interface ChatApp {
  readonly mode: 'chat';
  readonly name: string;
  readonly description: string;
  readonly llm: LlmSettings;
}

export type App = WorkflowApp | ChatApp;

export function startVariables(app: App): readonly StartVariable[] {
  if (app.mode === 'chat') return [];
  const start = app.nodes[0];
  return start?.type === 'start' ? start.variables : [];
}

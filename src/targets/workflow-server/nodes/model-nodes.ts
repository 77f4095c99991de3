// biome-ignore-all lint/suspicious/noExplicitAny: DSL data is untyped YAML, read field by field.
/**
 * The nodes backed by a model: LLM (streams its text), Question Classifier (the class the model's
 * answer names picks the branch), Parameter Extractor (the model's JSON, else typed placeholders)
 * and Knowledge Retrieval (a mock retrieval with a latency knob: no vector store here).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LlmError } from '../llm-client.ts';
import type { Selector } from '../variable-pool.ts';
import { toText } from '../variable-pool.ts';
import { selectorAt } from './flow.ts';
import { placeholderOf } from './placeholders.ts';
import { type NodeAt, type NodeContext, NodeError, type NodeKind, type NodeOutcome } from './types.ts';

export interface Message {
  readonly role: string;
  readonly text: string;
}

export interface LlmSettings {
  readonly model: string;
  readonly completionParams: Readonly<Record<string, unknown>>;
  readonly promptTemplate: readonly Message[];
}

export interface LlmConfig extends LlmSettings {
  /** `{{#context#}}` in the prompt: the text at this selector (knowledge retrieval results). */
  readonly context: Selector | null;
}

/** The model of a node; an empty name (fixtures leave it blank) still gets a completion from the mock. */
export function modelOf(data: Record<string, any>): Pick<LlmSettings, 'model' | 'completionParams'> {
  return {
    model: String(data.model?.name || 'gpt-4o-mini'),
    completionParams: data.model?.completion_params ?? {},
  };
}

/** Streams one completion; `forward` passes its deltas on (LLM nodes), classifiers keep them. */
export async function complete(
  ctx: NodeContext,
  settings: Pick<LlmSettings, 'model' | 'completionParams'>,
  messages: readonly Message[],
  forward: boolean,
) {
  const rendered = messages.map((m) => ({ role: m.role, content: m.text })).filter((m) => m.content !== '');
  try {
    return await ctx.services.llm.complete({
      model: settings.model,
      messages: rendered.length > 0 ? rendered : [{ role: 'user', content: ' ' }],
      params: settings.completionParams,
      signal: ctx.signal,
      onText: forward ? ctx.onText : () => {},
      drained: ctx.drained,
    });
  } catch (error) {
    throw new NodeError(
      ctx.signal.aborted ? 'stopped by user' : error instanceof LlmError ? error.message : String(error),
    );
  }
}

function usageOutcome(result: { promptTokens: number; completionTokens: number }) {
  return {
    usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
    usageOutput: {
      prompt_tokens: result.promptTokens,
      completion_tokens: result.completionTokens,
      total_tokens: result.promptTokens + result.completionTokens,
    },
  };
}

export const LLM: NodeKind<LlmConfig> = {
  parse: (data, at) => {
    const template = data.prompt_template as any;
    let promptTemplate: Message[];
    if (Array.isArray(template))
      promptTemplate = template.map((p: any) => ({
        role: String(p?.role ?? 'user'),
        text: String(p?.text ?? ''),
      }));
    else if (typeof template?.text === 'string') promptTemplate = [{ role: 'user', text: template.text }];
    else return at.fail([], 'an LLM node needs a prompt_template');
    // A chatflow LLM with memory sends the user's turn from memory.query_prompt_template
    // (`{{#sys.query#}}` by default) after its prompt, as Dify does.
    const memory = data.memory as any;
    if (typeof memory === 'object' && memory !== null && memory.enabled !== false)
      promptTemplate.push({
        role: 'user',
        text:
          typeof memory.query_prompt_template === 'string' ? memory.query_prompt_template : '{{#sys.query#}}',
      });
    const context = data.context as any;
    return {
      ...modelOf(data),
      promptTemplate,
      context:
        context?.enabled === true &&
        Array.isArray(context.variable_selector) &&
        context.variable_selector.length >= 2
          ? context.variable_selector.map(String)
          : null,
    };
  },
  run: async (config, ctx) => {
    const context = config.context === null ? '' : contextText(ctx.pool.get(config.context));
    const messages = config.promptTemplate.map((m) => ({
      role: m.role,
      text: ctx.pool.render(m.text.replaceAll('{{#context#}}', context)),
    }));
    const result = await complete(ctx, config, messages, true);
    const { usage, usageOutput } = usageOutcome(result);
    return { usage, outputs: { text: result.text, usage: usageOutput, finish_reason: 'stop' } };
  },
};

/** Retrieval results as an LLM context: their contents, one per paragraph. */
function contextText(value: unknown): string {
  if (!Array.isArray(value)) return toText(value);
  return value
    .map((v) => (typeof v === 'object' && v !== null && 'content' in v ? toText(v.content) : toText(v)))
    .join('\n\n');
}

function querySelector(data: Record<string, any>, at: NodeAt): Selector | null {
  // Classifier and retrieval name it query_variable_selector; the parameter extractor, query.
  const field = data.query_variable_selector === undefined ? 'query' : 'query_variable_selector';
  const selector = data[field];
  if (selector === undefined || selector === null || (Array.isArray(selector) && selector.length === 0))
    return null;
  return selectorAt(selector, at, [field]);
}

function queryOf(ctx: NodeContext, selector: Selector | null): string {
  // `[start, sys.query]` (older DSL) names the system variable through the Start node.
  if (selector === null) return toText(ctx.pool.get(['sys', 'query']));
  if (selector[1]?.startsWith('sys.') === true) return toText(ctx.pool.get(['sys', selector[1].slice(4)]));
  return toText(ctx.pool.get(selector));
}

export interface ClassifierConfig extends Pick<LlmSettings, 'model' | 'completionParams'> {
  readonly classes: readonly { readonly id: string; readonly name: string }[];
  readonly query: Selector | null;
  readonly instruction: string;
}

export const QUESTION_CLASSIFIER: NodeKind<ClassifierConfig> = {
  parse: (data, at) => {
    if (!Array.isArray(data.classes) || data.classes.length === 0)
      return at.fail([], 'a Question Classifier needs classes');
    return {
      ...modelOf(data),
      classes: data.classes.map((c: any) => ({ id: String(c?.id), name: String(c?.name ?? c?.id) })),
      query: querySelector(data, at),
      instruction: String(data.instruction ?? ''),
    };
  },
  run: async (config, ctx) => {
    const query = queryOf(ctx, config.query);
    const list = config.classes.map((c) => `${c.id}: ${c.name}`).join('\n');
    const result = await complete(
      ctx,
      config,
      [
        {
          role: 'system',
          text: `Classify the input into one of these categories:\n${list}\n${ctx.pool.render(config.instruction)}`,
        },
        { role: 'user', text: query },
      ],
      false,
    );
    // The class the answer names; a mock model names none, so the query picks one, stably.
    const answer = result.text.toLowerCase();
    const chosen =
      config.classes.find((c) => answer.includes(c.name.toLowerCase())) ??
      (config.classes[stableIndex(query, config.classes.length)] as { id: string; name: string });
    const { usage, usageOutput } = usageOutcome(result);
    return {
      usage,
      inputs: { query },
      processData: { model_mode: 'chat' },
      outputs: { class_name: chosen.name, class_id: chosen.id, usage: usageOutput },
      handle: chosen.id,
    };
  },
};

function stableIndex(text: string, size: number): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % size;
}

export interface ExtractorConfig extends Pick<LlmSettings, 'model' | 'completionParams'> {
  readonly parameters: readonly {
    readonly name: string;
    readonly type: string;
    readonly description: string;
  }[];
  readonly query: Selector | null;
  readonly instruction: string;
}

export const PARAMETER_EXTRACTOR: NodeKind<ExtractorConfig> = {
  parse: (data, at) => ({
    ...modelOf(data),
    parameters: (Array.isArray(data.parameters) ? data.parameters : []).map((p: any) => ({
      name: String(p?.name),
      type: String(p?.type ?? 'string'),
      description: String(p?.description ?? ''),
    })),
    query: querySelector(data, at),
    instruction: String(data.instruction ?? ''),
  }),
  run: async (config, ctx) => {
    const query = queryOf(ctx, config.query);
    const schema = config.parameters.map((p) => `${p.name} (${p.type}): ${p.description}`).join('\n');
    const result = await complete(
      ctx,
      config,
      [
        {
          role: 'system',
          text: `Extract these parameters as a JSON object:\n${schema}\n${ctx.pool.render(config.instruction)}`,
        },
        { role: 'user', text: query },
      ],
      false,
    );
    let parsed: Record<string, unknown> | null = null;
    try {
      const value: unknown = JSON.parse(result.text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        parsed = value as Record<string, unknown>;
    } catch {}
    const outputs: Record<string, unknown> = {};
    for (const p of config.parameters) outputs[p.name] = parsed?.[p.name] ?? placeholderOf(p.type);
    const { usage, usageOutput } = usageOutcome(result);
    return {
      usage,
      inputs: { query },
      outputs: {
        ...outputs,
        __is_success: parsed === null ? 0 : 1,
        __reason: parsed === null ? 'the model did not answer a JSON object' : null,
        __usage: usageOutput,
      },
    };
  },
};

export interface RetrievalConfig {
  readonly query: Selector | null;
  readonly datasets: readonly string[];
  readonly topK: number;
}

/** At most this many mock passages per retrieval. */
const MAX_PASSAGES = 10;

export const KNOWLEDGE_RETRIEVAL: NodeKind<RetrievalConfig> = {
  parse: (data, at) => {
    const multiple = (data.multiple_retrieval_config as any)?.top_k;
    const topK = Number(data.top_n ?? multiple ?? 4);
    const datasets = data.dataset_ids ?? data.control_space_ids;
    return {
      query: querySelector(data, at),
      datasets: Array.isArray(datasets) ? datasets.map(String) : [],
      topK: Number.isInteger(topK) && topK > 0 ? Math.min(topK, MAX_PASSAGES) : 4,
    };
  },
  run: async (config, ctx): Promise<NodeOutcome> => {
    const query = queryOf(ctx, config.query);
    if (ctx.services.retrievalMs > 0)
      await sleep(ctx.services.retrievalMs, undefined, { signal: ctx.signal }).catch(() => {});
    if (ctx.signal.aborted) throw new NodeError('stopped by user');
    const dataset = config.datasets[0] ?? 'mock-dataset';
    const result = Array.from({ length: config.topK }, (_, i) => ({
      metadata: {
        _source: 'knowledge',
        dataset_id: dataset,
        dataset_name: 'mock knowledge',
        document_id: `mock-document-${i + 1}`,
        document_name: `mock-document-${i + 1}.txt`,
        score: Number((0.9 - i * 0.05).toFixed(2)),
        position: i + 1,
      },
      title: `mock-document-${i + 1}.txt`,
      content: `Passage ${i + 1} of the mock knowledge base about: ${query.slice(0, 200)}`,
    }));
    return { inputs: { query }, outputs: { result } };
  },
};

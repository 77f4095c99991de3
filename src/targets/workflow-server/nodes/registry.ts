/** Every node type the reference server runs, by its DSL `data.type`. */
import { CODE } from './code.ts';
import { ITERATION, LOOP } from './containers.ts';
import { ANSWER, BODY_START, END, IF_ELSE, START } from './flow.ts';
import { HTTP_REQUEST } from './http-request.ts';
import { KNOWLEDGE_RETRIEVAL, LLM, PARAMETER_EXTRACTOR, QUESTION_CLASSIFIER } from './model-nodes.ts';
import { DOCUMENT_EXTRACTOR, LIST_OPERATOR, TOOL } from './placeholders.ts';
import { TEMPLATE_TRANSFORM } from './template-transform.ts';
import type { NodeKind } from './types.ts';
import { ASSIGNER, VARIABLE_AGGREGATOR } from './variables.ts';

export const NODE_KINDS: Readonly<Record<string, NodeKind<unknown>>> = {
  start: START,
  end: END,
  answer: ANSWER,
  llm: LLM,
  'if-else': IF_ELSE,
  'template-transform': TEMPLATE_TRANSFORM,
  'variable-aggregator': VARIABLE_AGGREGATOR,
  // Older DSL names the aggregator `variable-assigner`.
  'variable-assigner': VARIABLE_AGGREGATOR,
  assigner: ASSIGNER,
  iteration: ITERATION,
  'iteration-start': BODY_START,
  loop: LOOP,
  'loop-start': BODY_START,
  code: CODE,
  'http-request': HTTP_REQUEST,
  'question-classifier': QUESTION_CLASSIFIER,
  'parameter-extractor': PARAMETER_EXTRACTOR,
  'knowledge-retrieval': KNOWLEDGE_RETRIEVAL,
  'knowledge-retrieval-v2': KNOWLEDGE_RETRIEVAL,
  tool: TOOL,
  'document-extractor': DOCUMENT_EXTRACTOR,
  'list-operator': LIST_OPERATOR,
} as Record<string, NodeKind<unknown>>;

export const NODE_TYPES = Object.keys(NODE_KINDS);

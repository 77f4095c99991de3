import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type App, isGraphApp } from './app.ts';
import { parseDsl } from './dsl.ts';
import type { LlmConfig } from './nodes/model-nodes.ts';

const llmOf = (app: App) => (isGraphApp(app) ? (app.graph.nodes.get('l')?.config as LlmConfig) : undefined);

const chatflow = (llmExtra: string) => `app: {mode: advanced-chat, name: c}
workflow:
  graph:
    edges:
    - {source: s, target: l}
    - {source: l, target: a}
    nodes:
    - {id: s, data: {type: start, title: Start, variables: []}}
    - id: l
      data:
        type: llm
        title: LLM
        model: {name: '', mode: chat}
        prompt_template: [{role: system, text: ''}]
${llmExtra}
    - {id: a, data: {type: answer, title: Answer, answer: '{{#l.text#}}'}}
`;

test("a chatflow LLM with memory sends the user's turn from query_prompt_template", () => {
  const app = parseDsl(chatflow("        memory: {query_prompt_template: 'Q: {{#sys.query#}}'}"), 'c.yml');
  assert.equal(app.mode, 'advanced-chat');
  const llm = llmOf(app);
  assert.equal(llm?.model, 'gpt-4o-mini', 'an empty model name gets a default');
  assert.deepEqual(llm?.promptTemplate.at(-1), { role: 'user', text: 'Q: {{#sys.query#}}' });
  const off = parseDsl(chatflow('        memory: {enabled: false}'), 'c.yml');
  assert.equal(llmOf(off)?.promptTemplate.length, 1);
});

test('an End node in a chatflow, or an Answer in a workflow, is refused with its line', () => {
  const text = chatflow('').replace(
    "type: answer, title: Answer, answer: '{{#l.text#}}'",
    'type: end, title: End, outputs: []',
  );
  assert.throws(
    () => parseDsl(text, 'c.yml'),
    /^Error: c\.yml:\d+: node type "end" does not belong in an advanced-chat app$/,
  );
});

/** The three apps every `serve workflow` has, with documented keys (README, `--help`). */
import { type App, chain } from './app.ts';

const question = {
  variable: 'question',
  label: 'question',
  type: 'text-input',
  required: true,
  maxLength: null,
  options: [],
};
const query = { ...question, variable: 'query', label: 'query' };
const noInputs = { conversationVariables: {}, environmentVariables: {} };

export const BUILTIN_APPS: Readonly<Record<string, App>> = {
  'app-empty': {
    mode: 'workflow',
    name: 'empty',
    description: 'Start → End: passes `query` through (QPS of the server itself)',
    ...noInputs,
    graph: chain([
      { id: '1754154032319', type: 'start', title: 'Start', config: { variables: [query] } },
      {
        id: '1754154034161',
        type: 'end',
        title: 'End',
        config: { outputs: [{ variable: 'query', selector: ['1754154032319', 'query'] }] },
      },
    ]),
  },
  'app-llm': {
    mode: 'workflow',
    name: 'workflow_llm',
    description: 'Start → LLM → End: streams the answer from the mock LLM as text_chunk events',
    ...noInputs,
    graph: chain([
      { id: '1757611990947', type: 'start', title: 'Start', config: { variables: [question] } },
      {
        id: '1757611992921',
        type: 'llm',
        title: 'LLM',
        config: {
          model: 'gpt-4o-mini',
          completionParams: { temperature: 0.7 },
          promptTemplate: [
            { role: 'system', text: 'You are a helpful assistant.' },
            { role: 'user', text: '{{#1757611990947.question#}}' },
          ],
          context: null,
        },
      },
      {
        id: '1757611996447',
        type: 'end',
        title: 'End',
        config: { outputs: [{ variable: 'answer', selector: ['1757611992921', 'text'] }] },
      },
    ]),
  },
  'app-chat': {
    mode: 'chat',
    name: 'chat',
    description: 'Chat app: answers /v1/chat-messages from the mock LLM as message events',
    inputs: [],
    llm: {
      model: 'gpt-4o-mini',
      completionParams: { temperature: 0.7 },
      promptTemplate: [
        { role: 'system', text: 'You are a helpful assistant.' },
        { role: 'user', text: '{{#sys.query#}}' },
      ],
    },
  },
};

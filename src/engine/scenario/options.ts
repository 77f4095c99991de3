/** The scenario's fragment of the run options: which scenario, its questions and its random seed. */
import { option } from '../../config/option.ts';
import { count, names, text } from '../../config/values.ts';

export const BUILTIN_SCENARIOS = [
  'stream',
  'burst',
  'blocking',
  'empty-qps',
  'llm',
  'chat-completions',
] as const;
export type BuiltinScenario = (typeof BUILTIN_SCENARIOS)[number];

export const SCENARIO_OPTIONS = {
  scenario: option({
    arg: 'name|file.ts',
    help: `${BUILTIN_SCENARIOS.join(' | ')} or a scenario file`,
    value: text,
    default: 'stream',
    web: { label: 'scenario' },
  }),
  questions: option({
    arg: 'file',
    help: 'questions, one per line',
    value: text,
    default: null,
    defaultHelp: 'a built-in pool',
  }),
  seed: option({
    arg: 'n',
    help: 'random seed for questions and wait times',
    value: count(0),
    default: 1,
  }),
  userClass: option({
    arg: 'name',
    help: 'run only these user classes of the scenario file, their weights shared among them (repeatable or a,b; also `run --scenario FILE NAME…`)',
    value: names,
    default: [],
    defaultHelp: 'all',
    repeatable: true,
    web: { label: 'user classes', placeholder: "all of the file's" },
  }),
  tags: option({
    arg: 'list',
    help: "run only the scenario's tasks tagged with one of these (a,b)",
    value: names,
    default: [],
    repeatable: true,
  }),
  excludeTags: option({
    arg: 'list',
    help: "leave out the scenario's tasks tagged with any of these (a,b)",
    value: names,
    default: [],
    repeatable: true,
  }),
};

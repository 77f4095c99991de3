/** `streamload setup`'s own options (the proxy and TLS ones are `run`'s: engine/transport-options.ts). */
import { option } from '../config/option.ts';
import { flag, httpUrl, text, texts } from '../config/values.ts';

/** The config file setup writes, which `run` reads by itself. */
export const DEFAULT_SAVE = 'streamload.yml';

export const SETUP_OPTIONS = {
  console: option({
    arg: 'url',
    help: 'Dify console API origin',
    value: httpUrl,
    default: null,
    defaultHelp: 'the --target origin',
  }),
  target: option({
    arg: 'url',
    help: 'Service API origin the run will load',
    value: httpUrl,
    default: null,
    defaultHelp: 'the --console origin',
  }),
  email: option({
    arg: 'email',
    help: 'admin email',
    value: text,
    default: null,
    env: 'STREAMLOAD_DIFY_EMAIL',
  }),
  password: option({
    arg: 'password',
    help: 'admin password (prefer env STREAMLOAD_DIFY_PASSWORD, or a prompt on a terminal: `ps` shows flags)',
    value: text,
    default: null,
    env: 'STREAMLOAD_DIFY_PASSWORD',
  }),
  initAdmin: option({
    arg: 'name',
    help: 'on a fresh Dify, create the admin account (email, password, this name)',
    value: text,
    default: null,
  }),
  dsl: option({
    arg: 'file.yml',
    help: 'import this Dify DSL app, publish it, make its API key (repeatable)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  yes: option({
    help: 'confirm an import Dify holds as pending (DSL version differs)',
    value: flag,
    default: false,
  }),
  reuseKey: option({
    help: 'use a key the app already has instead of creating one',
    value: flag,
    default: false,
  }),
  llmBaseUrl: option({
    arg: 'url',
    help: 'point the OpenAI model provider at this OpenAI-compatible server',
    value: httpUrl,
    default: null,
  }),
  llmApiKey: option({
    arg: 'key',
    help: 'its API key (prefer env STREAMLOAD_LLM_API_KEY)',
    value: text,
    default: null,
    defaultHelp: 'a placeholder, fine for the mock LLM',
  }),
  installPlugin: option({
    arg: 'id',
    help: 'install a marketplace plugin, e.g. langgenius/openai:0.2.5@… (repeatable)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  save: option({
    arg: 'file',
    help: 'config file to write (run reads ./streamload.yml by itself)',
    value: text,
    default: DEFAULT_SAVE,
  }),
  check: option({
    help: 'only re-validate the saved config: every app key answers GET /v1/parameters',
    value: flag,
    default: false,
  }),
};

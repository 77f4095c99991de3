/**
 * Every command's own options go through the kernel: each entry of a command's table is a flag of
 * the real command with its help line (default shown from the value), a config-file key under
 * both spellings and a STREAMLOAD_* variable, and the three give the same value.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Command } from 'commander';
import { convert, envOf, flagOf, helpLine, type OptionTable } from '../config/option.ts';
import { MASTER_OPTIONS, WORKER_OPTIONS } from '../distributed/master-options.ts';
import { REACH_OPTIONS } from '../engine/transport-options.ts';
import { FIND_LIMIT_OPTIONS } from '../find-limit/options.ts';
import { memoryState } from '../global-state.ts';
import { COMPARE_OPTIONS } from '../report/compare-options.ts';
import { MERGE_OPTIONS, REPORT_COMMAND_OPTIONS } from '../report/options.ts';
import { SETUP_OPTIONS } from '../setup/options.ts';
import { SERVE_LLM_OPTIONS } from '../targets/mock-llm/serve-options.ts';
import { SERVE_WORKFLOW_OPTIONS } from '../targets/workflow-server/serve-options.ts';
import { WEB_OPTIONS } from '../web/options.ts';
import { givenOwnOptions } from './command-options.ts';
import { buildProgram } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'streamload-command-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The command at `path` (`serve llm` → serve's llm) of the real program. */
function commandAt(path: string): Command {
  let cmd: Command | undefined = buildProgram(memoryState());
  for (const name of path.split(' ')) cmd = cmd?.commands.find((c) => c.name() === name);
  assert.ok(cmd, `${path} is a command`);
  return cmd;
}

/** Each command's own tables (the run options of run, master, web and find-limit: options-table.test.ts). */
const COMMAND_TABLES: Readonly<Record<string, readonly OptionTable[]>> = {
  run: [WEB_OPTIONS],
  master: [MASTER_OPTIONS, WEB_OPTIONS],
  worker: [WORKER_OPTIONS],
  web: [WEB_OPTIONS],
  'find-limit': [FIND_LIMIT_OPTIONS],
  report: [REPORT_COMMAND_OPTIONS],
  merge: [MERGE_OPTIONS],
  setup: [SETUP_OPTIONS, REACH_OPTIONS],
  'serve llm': [SERVE_LLM_OPTIONS],
  'serve workflow': [SERVE_WORKFLOW_OPTIONS],
  compare: [COMPARE_OPTIONS],
};

/**
 * `run`'s variables that mean something else to these commands: the servers are child processes
 * inheriting the user's env, where STREAMLOAD_API_KEY is the client's key and STREAMLOAD_SEED the
 * client's seed; STREAMLOAD_FORMAT is run's list of report files, not compare's one output.
 */
const CLIENT_ENV = new Set(['STREAMLOAD_API_KEY', 'STREAMLOAD_SEED', 'STREAMLOAD_FORMAT']);
const FOREIGN_ENV: Readonly<Record<string, ReadonlySet<string>>> = {
  'serve llm': CLIENT_ENV,
  'serve workflow': CLIENT_ENV,
  compare: new Set(['STREAMLOAD_FORMAT']),
};

for (const [path, tables] of Object.entries(COMMAND_TABLES)) {
  const table: OptionTable = Object.assign({}, ...tables);
  describe(`${path}: every option from flag, config file and env, with its default in --help`, () => {
    for (const [name, entry] of Object.entries(table)) {
      test(name, () => {
        const cmd = commandAt(path);
        const flag = flagOf(name);
        const help = cmd.options.find((o) => o.long === flag);
        assert.equal(help?.description, helpLine(entry), `${flag} in ${path} --help`);
        const example = entry.value.example;
        const value = convert(entry, example, flag);
        for (const key of [name, flag.slice(2)]) {
          const file = join(dir, `${path.replace(' ', '-')}-${key}.yml`);
          writeFileSync(file, `${key}: ${JSON.stringify(example)}\n`);
          const given = givenOwnOptions(table, { config: file }, { env: {}, cwd: dir });
          assert.deepEqual(given[name], value, `${path}: config file key ${key}`);
        }
        const variable = envOf(name, entry);
        assert.ok(!FOREIGN_ENV[path]?.has(variable), `${path} ${flag} must not read ${variable}`);
        const fromEnv = givenOwnOptions(table, {}, { env: { [variable]: example }, cwd: dir });
        assert.deepEqual(fromEnv[name], value, `${path}: ${variable}`);
      });
    }
  });
}

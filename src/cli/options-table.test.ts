/**
 * "Adding an option is one entry": every entry of the option table reaches every place an option
 * must be, with no line elsewhere. Each case feeds the kind's example through each source (flag,
 * config file under both spellings, env) and finds the option in help, run.json's schema, the
 * worker protocol's check and (when it has a `web` entry) the web form.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { readConfigFile } from '../config/file.ts';
import { optionsFromEnv } from '../config/resolve-options.ts';
import {
  convertOption,
  envName,
  flagOf,
  helpOf,
  OPTION_NAMES,
  OPTIONS,
  optionEntry,
} from '../run-config/fields.ts';
import { resolveRunConfig } from '../run-config/resolve.ts';
import { runJsonConfigSchema } from '../run-config/run-json-schema.ts';
import { FOLDED_OPTIONS } from '../run-config/types.ts';
import { configFromWire } from '../run-config/wire.ts';
import { formFields } from '../web/form.ts';
import { addRunOptions, typedFlags } from './run-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'streamload-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const schema = runJsonConfigSchema() as { properties: Record<string, unknown> };
const defaults = JSON.parse(JSON.stringify(resolveRunConfig({ flags: {}, env: {}, cwd: dir })));
const formNames = formFields({}).map((f) => f.name);

function fromFlag(flag: string, example: string | undefined): Record<string, unknown> {
  const cmd = addRunOptions(new Command()).exitOverride();
  cmd.parse(example === undefined ? [flag] : [flag, example], { from: 'user' });
  return typedFlags(cmd);
}

describe('every option of the table reaches flags, help, files, env, schema, wire and form', () => {
  for (const name of OPTION_NAMES) {
    test(name, () => {
      const entry = optionEntry(name);
      const example = entry.value.example;
      const value = convertOption(name, example, 'example');
      const flag = flagOf(name);

      const help = addRunOptions(new Command()).options.find((o) => o.long === flag);
      assert.equal(help?.description, helpOf(name), `${flag} in --help`);
      assert.deepEqual(fromFlag(flag, entry.arg === undefined ? undefined : example)[name], value, flag);

      for (const key of [name, flag.slice(2)]) {
        const file = join(dir, `${name}-${key}.yml`);
        writeFileSync(file, `${key}: ${JSON.stringify(example)}\n`);
        assert.deepEqual(readConfigFile(file, OPTIONS)[name], value, `config file key ${key}`);
      }
      assert.deepEqual(optionsFromEnv(OPTIONS, { [envName(name)]: example })[name], value, envName(name));

      const folded = (FOLDED_OPTIONS as readonly string[]).includes(name);
      if (folded) {
        assert.equal(Object.hasOwn(schema.properties, name), name === 'questions' || name === 'proxy');
      } else {
        assert.ok(Object.hasOwn(schema.properties, name), `${name} in run.schema.json's config`);
        assert.ok(Object.hasOwn(defaults, name), `${name} in RunConfig`);
        assert.throws(
          () => configFromWire({ ...defaults, [name]: [{}] }),
          new RegExp(`at config\\.${name}\\b`),
          `a worker checks ${name}`,
        );
      }
      assert.equal(formNames.includes(name), entry.web !== undefined, `${name} in the web form`);
    });
  }
});

// Config files as users write them: YAML aliases resolve to their values (an `inputs: *base` sent
// `{source: …}` before), and a file whose aliases expand without bound (billion laughs) is refused
// at once with file:line, never expanded into memory.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readConfigFile } from './file.ts';
import { option } from './option.ts';
import { amount, count, jsonObject } from './values.ts';

/** A table of a run's options as a config file names them (the kernel reads any command's table). */
const TABLE = {
  inputs: option({ arg: 'json', help: 'inputs', value: jsonObject, default: null }),
  users: option({ arg: 'n', help: 'users', value: count(0), default: 1 }),
  spawnRate: option({ arg: 'n', help: 'spawn rate', value: amount(0.01), default: 1 }),
};

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'streamload-config-')), 'streamload.yml');
  writeFileSync(path, text);
  return path;
}

test('YAML aliases resolve to the anchored value', () => {
  const values = readConfigFile(
    file('inputs: &base\n  topic: load testing\n  lang: en\nusers: &n 3\nspawn-rate: *n\n'),
    TABLE,
  );
  assert.deepEqual(values.inputs, { topic: 'load testing', lang: 'en' });
  assert.equal(values.users, 3);
  assert.equal(values.spawnRate, 3);
});

test('aliases that expand without bound (billion laughs) are refused at once, naming the file', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const path = file(`inputs:\n  ${levels.join('\n  ')}\n`);
  const started = performance.now();
  assert.throws(
    () => readConfigFile(path, TABLE),
    (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: .*alias`),
      );
      return true;
    },
  );
  assert.ok(performance.now() - started < 2000, 'refused without expanding');
});

/** `npm run schema`: regenerates the `config` section of schemas/run.schema.json from the option table. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedConfig } from '../src/run-config/run-json-schema.ts';

const file = new URL('../schemas/run.schema.json', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withGeneratedConfig(before);
writeFileSync(file, after);
process.stdout.write(
  before === after
    ? 'schemas/run.schema.json: up to date\n'
    : 'schemas/run.schema.json: config section regenerated\n',
);

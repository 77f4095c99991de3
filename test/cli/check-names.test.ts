// Check names are scenario code's own strings. Names that are Object.prototype keys must count like
// any other, through `--processes` and its merge (they became NaN or vanished), and their number is
// capped by --max-series like every other named series (a check per response name once made a 5 s
// run take 24 s and 1.58 GB).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun, runCli, tempDir, withMockLlm } from './helpers.ts';

const SCENARIO = `import { defineScenario } from 'streamload';
let n = 0;
export default defineScenario({ users: [{ name: 'u', tasks: [{ name: 't', async run(ctx) {
  await ctx.sse();
  ctx.check('constructor', true);
  ctx.check('toString', false);
  ctx.check('__proto__', true);
  ctx.check('hasOwnProperty', true);
  ctx.check('unique ' + process.pid + ' ' + n++, true);
} }] }] });
`;

test('check names that are Object.prototype keys count exactly under --processes; their number is capped', {
  timeout: 150_000,
}, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'checks.ts'), SCENARIO);
  const out = join(dir, 'out');
  await withMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 1, tokens: [2, 2] }, async (llm) => {
    const r = await runCli(
      [
        'run',
        '--target',
        llm.url,
        '--protocol',
        'openai',
        '--scenario',
        join(dir, 'checks.ts'),
        '--iterations',
        '40',
        '--users',
        '4',
        '--processes',
        '2',
        '--max-series',
        '8',
        '--out',
        out,
        '--json-summary',
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const run = readRun(out);
    const checks = run.checks ?? {};
    assert.deepEqual(Object.getOwnPropertyDescriptor(checks, 'constructor')?.value, { passes: 40, fails: 0 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(checks, 'toString')?.value, { passes: 0, fails: 40 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(checks, '__proto__')?.value, { passes: 40, fails: 0 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(checks, 'hasOwnProperty')?.value, {
      passes: 40,
      fails: 0,
    });
    // Each process keeps 8 names (4 fixed + 4 unique) and folds the rest into (other).
    const names = Object.keys(checks);
    assert.ok(names.length <= 2 * 8 + 1, names.join(', '));
    const other = Object.getOwnPropertyDescriptor(checks, '(other)')?.value;
    const unique = names.filter((n) => n.startsWith('unique '));
    const uniquePasses = unique.reduce((sum, n) => sum + checks[n]!.passes, 0);
    assert.equal(uniquePasses + (other?.passes ?? 0), 40, 'every unique check counted once');
    assert.ok(other !== undefined && other.passes >= 40 - 8, JSON.stringify(other));
    assert.ok(
      run.warnings.some((w) =>
        /more than 8 distinct check names: the rest are counted under the check \(other\)/.test(w),
      ),
      run.warnings.join('\n'),
    );
  });
});

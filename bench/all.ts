/**
 * `npm run bench [-- --quick]`: every bench in sequence (never in
 * parallel: each one measures CPU). A bench whose script is not in package.json yet is skipped.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BENCHES = [
  'bench:sse',
  'bench:metrics',
  'bench:targets',
  'bench:engine',
  'bench:memory',
  'bench:scale',
  'bench:compare',
];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};
const args = process.argv.slice(2);
let failed = 0;
for (const name of BENCHES) {
  if (pkg.scripts[name] === undefined) {
    console.log(`\n== ${name}: no such script, skipped`);
    continue;
  }
  console.log(`\n== ${name}`);
  const result = spawnSync('npm', ['run', '--silent', name, '--', ...args], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;

/**
 * `npm run bench:compare [-- --pairs 20 --run-time 5s]`: does `streamload compare` tell a real
 * regression from noise? Everything through the real CLI, against `streamload serve llm` with
 * jitter (first token 200 ms ± 20 ms, 16 tokens 20 ms ± 20 ms apart, 8 users):
 *   A/A: `pairs` pairs of identical-configuration runs, each pair compared: the share called a
 *        regression (exit 1) is the false-alarm rate (goal ≤ 5 %);
 *   A/B: the base runs of those pairs against runs whose first token is +30 % (260 ms) and +10 %
 *        (220 ms): the share of pairs with exit 1 and a ttft metric named regressed (detection).
 * Runs one after another (the machine is shared; parallel runs would add their own noise).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
};
const quick = process.argv.includes('--quick');
const PAIRS = Number(arg('--pairs', quick ? '4' : '20'));
const RUN_TIME = arg('--run-time', '5s');
const FIRST_TOKEN_MS = 200;

/** `streamload serve llm` on a free port; resolves with its URL once it listens. */
function serveLlm(firstTokenMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      'serve',
      'llm',
      '--port',
      '0',
      '--first-token-ms',
      String(firstTokenMs),
      '--inter-token-ms',
      '20',
      '--jitter-ms',
      '20',
      '--tokens',
      '16',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve llm did not start in 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ url: match[0], child });
      }
    });
    child.on('exit', () => reject(new Error(`serve llm exited: ${out}`)));
  });
}

function cli(args: readonly string[]): { code: number; stdout: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout };
}

const root = mkdtempSync(join(tmpdir(), 'streamload-compare-bench-'));
let runs = 0;
function run(url: string): string {
  const out = join(root, `run-${++runs}`);
  const load = `--protocol openai --users 8 --spawn-rate 100 --run-time ${RUN_TIME} --format json --live-interval 60s`;
  const r = cli(['run', '--target', url, '--out', out, ...load.split(' ')]);
  if (r.code !== 0) throw new Error(`run against ${url} exited ${r.code}`);
  return join(out, 'run.json');
}

interface Judged {
  readonly code: number;
  readonly regressed: readonly string[];
}
function compare(base: string, candidate: string): Judged {
  const r = cli(['compare', base, candidate, '--format', 'json']);
  if (r.code !== 0 && r.code !== 1) throw new Error(`compare exited ${r.code}: ${r.stdout}`);
  return { code: r.code, regressed: (JSON.parse(r.stdout) as { regressed: string[] }).regressed };
}

const servers = await Promise.all([
  serveLlm(FIRST_TOKEN_MS),
  serveLlm(Math.round(FIRST_TOKEN_MS * 1.3)),
  serveLlm(Math.round(FIRST_TOKEN_MS * 1.1)),
]);
// Killed or interrupted: the servers go with the bench (the finally below does not run then).
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const s of servers) s.child.kill();
    process.exit(130);
  });
const [a, plus30, plus10] = servers.map((s) => s.url) as [string, string, string];
const started = Date.now();
try {
  const aa: Judged[] = [];
  const ab30: Judged[] = [];
  const ab10: Judged[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const base = run(a);
    const again = run(a);
    aa.push(compare(base, again));
    ab30.push(compare(base, run(plus30)));
    ab10.push(compare(again, run(plus10)));
    process.stdout.write(
      `pair ${i + 1}/${PAIRS}: A/A ${aa.at(-1)!.regressed.join(',') || '-'} | +30% ${ab30.at(-1)!.regressed.join(',') || '-'} | +10% ${ab10.at(-1)!.regressed.join(',') || '-'}\n`,
    );
  }
  const share = (list: readonly Judged[], hit: (j: Judged) => boolean) =>
    `${list.filter(hit).length}/${list.length} = ${((100 * list.filter(hit).length) / list.length).toFixed(1)} %`;
  const ttft = (j: Judged) => j.code === 1 && j.regressed.some((id) => id.startsWith('ttft.'));
  const falseIds = new Map<string, number>();
  for (const j of aa) for (const id of j.regressed) falseIds.set(id, (falseIds.get(id) ?? 0) + 1);
  console.log(
    `\n${PAIRS} pairs, runs of ${RUN_TIME}, 8 users, serve llm first token ${FIRST_TOKEN_MS} ms ± 20 ms`,
  );
  console.log(
    `A/A false alarms (exit 1):            ${share(aa, (j) => j.code === 1)}${falseIds.size === 0 ? '' : ` (${[...falseIds].map(([id, n]) => `${id}×${n}`).join(', ')})`}`,
  );
  const exit1 = (j: Judged) => j.code === 1;
  console.log(`A/B first token +30 % detected (ttft): ${share(ab30, ttft)}; exit 1: ${share(ab30, exit1)}`);
  console.log(`A/B first token +10 % detected (ttft): ${share(ab10, ttft)}; exit 1: ${share(ab10, exit1)}`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
} finally {
  for (const s of servers) s.child.kill();
  rmSync(root, { recursive: true, force: true });
}

/**
 * Choosing the users to run, as Locust does, through the real CLI against a counting server of our
 * own: users shared out exactly by weight (they were drawn at random: `--users 2` once sent every
 * request as one class), `--user-class` and Locust's positional form, `--tags`/`--exclude-tags`,
 * `fixedCount`, `--list`, a bad name refused before any request, and `--processes 2` and `--segment` keeping the
 * one process's counts. Every request of the fixtures names its class, task and user in its path.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeServer, listenLocal, readRun, runCli, tempDir } from './helpers.ts';

const TWO_CLASSES = fileURLToPath(new URL('../fixtures/scenarios/two-classes.ts', import.meta.url));
const FIXED_COUNT = fileURLToPath(new URL('../fixtures/scenarios/fixed-count.ts', import.meta.url));

/** What the server saw: requests by path (the preflight's `/` aside) and distinct users by class. */
interface Seen {
  readonly paths: Record<string, number>;
  readonly users: Record<string, number>;
  readonly requests: number;
}

async function withCountingServer(body: (origin: string, seen: () => Seen) => Promise<void>): Promise<void> {
  const paths = new Map<string, number>();
  const users = new Map<string, Set<string>>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/') {
      paths.set(url.pathname, (paths.get(url.pathname) ?? 0) + 1);
      const user = url.searchParams.get('user');
      const className = url.pathname.split('/')[1]!;
      if (user !== null) users.set(className, (users.get(className) ?? new Set()).add(user));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const origin = await listenLocal(server);
  try {
    await body(origin, () => ({
      paths: Object.fromEntries(paths),
      users: Object.fromEntries([...users].map(([name, ids]) => [name, ids.size])),
      requests: [...paths.values()].reduce((sum, n) => sum + n, 0),
    }));
  } finally {
    server.closeAllConnections();
    await closeServer(server);
  }
}

const run = (origin: string, args: readonly string[], options: { env?: Record<string, string> } = {}) =>
  runCli(
    [
      'run',
      '--target',
      origin,
      '--protocol',
      'sse',
      '--spawn-rate',
      '1000',
      '--out',
      tempDir(),
      '--json-summary',
      ...args,
    ],
    { timeoutMs: 60_000, ...options },
  );

/** One run against a counting server of its own: what the server saw (the run must exit 0). */
async function runCounted(args: readonly string[], env: Record<string, string> = {}): Promise<Seen> {
  let result: Seen | undefined;
  await withCountingServer(async (origin, seen) => {
    const r = await run(origin, args, { env });
    assert.equal(r.code, 0, r.stderr);
    result = seen();
  });
  return result!;
}

/** 5 users of fixed-count.ts for 3 s: every second at 5 users holds 1 admin, 2 readers, 2 writers. */
async function assertFixedCountHistory(extra: readonly string[]): Promise<void> {
  await withCountingServer(async (origin) => {
    const out = tempDir();
    const args = ['--scenario', FIXED_COUNT, '--users', '5', '--run-time', '3s', ...extra, '--out', out];
    const r = await run(origin, args);
    assert.equal(r.code, 0, r.stderr);
    const history = readRun(out).history.filter((row) => row.users === 5);
    assert.ok(history.length >= 2, JSON.stringify(readRun(out).history));
    for (const row of history) assert.deepEqual(row.userClasses, { admin: 1, reader: 2, writer: 2 });
    assert.deepEqual(readRun(out).userClasses, { admin: 1, reader: 2, writer: 2 });
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(markdown, /Users by class \(most at once\) +\| admin 1, reader 2, writer 2/);
  });
}

for (const users of [2, 4]) {
  test(`${users} users of weights 1:1 are ${users / 2} of each class (counted at the server)`, {
    timeout: 90_000,
  }, async () => {
    await withCountingServer(async (origin, seen) => {
      const args = ['--scenario', TWO_CLASSES, '--users', String(users), '--run-time', '3s'];
      const r = await run(origin, [...args, '--live-interval', '1s']);
      assert.equal(r.code, 0, r.stderr);
      const half = users / 2;
      assert.deepEqual(seen().users, { reader: half, writer: half });
      assert.deepEqual(r.summary?.userClasses, { reader: half, writer: half });
      // The console: live, users now by class; at the end, the most at once.
      assert.match(r.stderr, new RegExp(`users ${users} \\(reader ${half}, writer ${half}\\),`));
      assert.match(r.stderr, new RegExp(`Users by class \\(most at once\\): reader ${half}, writer ${half}`));
    });
  });
}

test('--iterations 40 with 4 users of weights 1:1: 2 users of each class make the 40 requests', {
  timeout: 90_000,
}, async () => {
  await withCountingServer(async (origin, seen) => {
    const r = await run(origin, ['--scenario', TWO_CLASSES, '--users', '4', '--iterations', '40']);
    assert.equal(r.code, 0, r.stderr);
    const { users, paths, requests } = seen();
    assert.equal(requests, 40);
    assert.deepEqual(users, { reader: 2, writer: 2 });
    assert.ok(
      (paths['/writer/post'] ?? 0) > 0 && (paths['/reader/search'] ?? 0) + (paths['/reader/browse'] ?? 0) > 0,
    );
  });
});

test('--user-class and the positional form run only the chosen class', { timeout: 90_000 }, async () => {
  for (const [label, args, only] of [
    ['--user-class reader', ['--user-class', 'reader'], 'reader'],
    ['positional writer', ['writer'], 'writer'],
  ] as const) {
    await withCountingServer(async (origin, seen) => {
      const r = await run(origin, ['--scenario', TWO_CLASSES, ...args, '--users', '3', '--iterations', '12']);
      assert.equal(r.code, 0, `${label}: ${r.stderr}`);
      const { users, requests } = seen();
      assert.equal(requests, 12, label);
      // Its weight renormalised: the one class left takes all three users.
      assert.deepEqual(users, { [only]: 3 }, label);
      assert.match(r.stderr, new RegExp(`^load: .* \\(classes ${only}\\) → `, 'm'), label);
    });
  }
});

test('the user class from a config file and from env', { timeout: 90_000 }, async () => {
  const config = join(tempDir(), 'load.yml');
  writeFileSync(config, 'user-class: [writer]\nexclude-tags: slow\n');
  const fromFile = await runCounted([
    '--scenario',
    TWO_CLASSES,
    '--config',
    config,
    '--users',
    '2',
    '--iterations',
    '6',
  ]);
  assert.deepEqual(fromFile.paths, { '/writer/post': 6 });
  const fromEnv = await runCounted(['--scenario', TWO_CLASSES, '--users', '2', '--iterations', '6'], {
    STREAMLOAD_USER_CLASS: 'reader',
    STREAMLOAD_TAGS: 'browse',
  });
  assert.deepEqual(fromEnv.paths, { '/reader/browse': 6 });
});

test('--tags runs only the tasks tagged so; --exclude-tags drops them', { timeout: 90_000 }, async () => {
  const tagged = await runCounted([
    '--scenario',
    TWO_CLASSES,
    'reader',
    '--tags',
    'search',
    '--users',
    '2',
    '--iterations',
    '10',
  ]);
  assert.deepEqual(tagged.paths, { '/reader/search': 10 });
  const { paths, users } = await runCounted([
    '--scenario',
    TWO_CLASSES,
    '--exclude-tags',
    'slow',
    '--users',
    '2',
    '--iterations',
    '20',
  ]);
  assert.equal(paths['/reader/browse'], undefined, JSON.stringify(paths));
  assert.equal((paths['/reader/search'] ?? 0) + (paths['/writer/post'] ?? 0), 20);
  assert.deepEqual(users, { reader: 1, writer: 1 });
});

test('fixedCount: exactly one admin beside 2 + 2 weighted users in every second of the history', {
  timeout: 90_000,
}, async () => {
  await assertFixedCountHistory([]);
});

test("an unknown class or tag exits 2 listing the file's, before any request; --list exits 0", {
  timeout: 90_000,
}, async () => {
  await withCountingServer(async (origin, seen) => {
    const cases = [
      [
        ['--user-class', 'admin'],
        /--user-class: no user class "admin" in the scenario \(its classes: reader, writer\)/,
      ],
      [['admin'], /no user class "admin"/],
      [
        ['--tags', 'fast'],
        /--tags: no task is tagged "fast" \(the scenario's tags: search, browse, slow, write\)/,
      ],
      [['--exclude-tags', 'write'], /user class "writer" is left with no task/],
    ] as const;
    for (const [args, message] of cases) {
      const r = await run(origin, ['--scenario', TWO_CLASSES, ...args, '--users', '2', '--iterations', '4']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    const list = await run(origin, ['--scenario', TWO_CLASSES, '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(
      list.stdout,
      [
        'reader  (weight 1)',
        '  search  (weight 1)  tags: search',
        '  browse  (weight 1)  tags: browse, slow',
        'writer  (weight 1)',
        '  post  (weight 1)  tags: write',
        '',
      ].join('\n'),
    );
    assert.equal(seen().requests, 0);
  });
});

/** The scaled runs' load: 4 users of two-classes.ts making 40 requests. */
const FOUR_USERS_40 = ['--scenario', TWO_CLASSES, '--users', '4', '--iterations', '40'];

test('--processes 2 gives the totals and class counts of one process', { timeout: 120_000 }, async () => {
  await withCountingServer(async (origin, seen) => {
    const r = await run(origin, [...FOUR_USERS_40, '--processes', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.summary?.totals.requests, 40);
    assert.equal(seen().requests, 40);
    assert.deepEqual(seen().users, { reader: 2, writer: 2 });
    assert.deepEqual(r.summary?.userClasses, { reader: 2, writer: 2 });
  });
  await assertFixedCountHistory(['--processes', '2']);
});

test('--segment 1/2 and 2/2 run their own classes; `merge` gives the counts of one process', {
  timeout: 120_000,
}, async () => {
  await withCountingServer(async (origin, seen) => {
    const outs = [tempDir(), tempDir()];
    const segments = await Promise.all(
      outs.map((out, i) => run(origin, [...FOUR_USERS_40, '--segment', `${i + 1}/2`, '--out', out])),
    );
    for (const r of segments) assert.equal(r.code, 0, r.stderr);
    // The spawn order reader, writer, reader, writer dealt out in turn: as Locust's workers get them.
    assert.deepEqual(readRun(outs[0]!).userClasses, { reader: 2 });
    assert.deepEqual(readRun(outs[1]!).userClasses, { writer: 2 });
    const merged = tempDir();
    const m = await runCli([
      'merge',
      join(outs[0]!, 'run.json'),
      join(outs[1]!, 'run.json'),
      '--out',
      merged,
    ]);
    assert.equal(m.code, 0, m.stderr);
    assert.deepEqual(readRun(merged).userClasses, { reader: 2, writer: 2 });
    assert.equal(readRun(merged).totals.requests, 40);
    assert.deepEqual(seen().users, { reader: 2, writer: 2 });
  });
});

test("--list shows a file's control characters escaped, never raw to the terminal", {
  timeout: 60_000,
}, async () => {
  const file = join(tempDir(), 'escapes.ts');
  writeFileSync(
    file,
    "export default { users: [{ name: 'r\\u001b[2J', tasks: [{ name: 't', tags: ['x\\u0007'], run: async () => {} }] }] };\n",
  );
  const r = await runCli(['run', '--scenario', file, '--list']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!/[\u0007\u001b]/.test(r.stdout), JSON.stringify(r.stdout));
  assert.match(r.stdout, /^r\\x1b\[2J {2}\(weight 1\)\n {2}t {2}\(weight 1\) {2}tags: x\\x07\n$/);
});

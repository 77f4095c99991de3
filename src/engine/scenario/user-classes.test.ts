import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../errors.ts';
import { splitInteger } from '../../segments/shares.ts';
import type { ScenarioDefinition, UserClassDefinition } from './define.ts';
import { createClassDispatcher, describeUsers, segmentPosition, selectUsers } from './user-classes.ts';
import { scenarioProblems } from './validate.ts';

const run = async () => {};
const user = (name: string, extra: Partial<UserClassDefinition> = {}): UserClassDefinition => ({
  name,
  tasks: [{ name: `${name}-task`, run }],
  ...extra,
});

/** The classes of the first n positions, counted by name. */
function counts(users: readonly UserClassDefinition[], positions: Iterable<number>): Record<string, number> {
  const dispatcher = createClassDispatcher(users);
  const out: Record<string, number> = {};
  for (const p of positions) {
    const name = dispatcher.classAt(p).name;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}
const first = (n: number) => Array.from({ length: n }, (_, i) => i);
const order = (users: readonly UserClassDefinition[], n: number) => {
  const dispatcher = createClassDispatcher(users);
  return first(n).map((p) => dispatcher.classAt(p).name);
};

test('weights 1:1 alternate from the first user: 2 and 4 users split exactly', () => {
  const users = [user('reader'), user('writer')];
  assert.deepEqual(order(users, 4), ['reader', 'writer', 'reader', 'writer']);
  assert.deepEqual(counts(users, first(2)), { reader: 1, writer: 1 });
  assert.deepEqual(counts(users, first(4)), { reader: 2, writer: 2 });
});

test('weights 3:1 interleave (a a b a) and every prefix stays within one user of its share', () => {
  assert.deepEqual(order([user('a', { weight: 3 }), user('b', { weight: 1 })], 8), [
    'a',
    'a',
    'b',
    'a',
    'a',
    'a',
    'b',
    'a',
  ]);
  // Uneven and fractional weights: each prefix of n users holds floor or ceil of n × share.
  for (const weights of [
    [5, 1],
    [2, 5, 6],
    [1.5, 2, 2.4],
    [0.1, 0.2, 0.7],
    [7, 0, 3],
  ]) {
    const users = weights.map((weight, i) => user(`c${i}`, { weight }));
    const total = weights.reduce((s, w) => s + w, 0);
    const dispatcher = createClassDispatcher(users);
    const seen = weights.map(() => 0);
    for (let n = 1; n <= 500; n++) {
      seen[users.indexOf(dispatcher.classAt(n - 1))]!++;
      weights.forEach((w, i) => {
        const share = (n * w) / total;
        assert.ok(
          Math.abs(seen[i]! - share) < 1 + 1e-9,
          `weights ${weights}: ${n} users, class ${i} has ${seen[i]}`,
        );
      });
    }
  }
});

test('fixedCount classes are spawned first and hold exactly their count; the rest go by weight', () => {
  const users = [user('reader'), user('writer'), user('admin', { fixedCount: 2 })];
  assert.deepEqual(order(users, 6), ['admin', 'admin', 'reader', 'writer', 'reader', 'writer']);
  assert.deepEqual(counts(users, first(1)), { admin: 1 });
  assert.deepEqual(counts(users, first(7)), { admin: 2, reader: 3, writer: 2 });
  // Every class fixed: users past their sum cycle over them rather than being left without a class.
  assert.deepEqual(order([user('a', { fixedCount: 1 }), user('b', { fixedCount: 1 })], 4), [
    'a',
    'b',
    'a',
    'b',
  ]);
});

test("the segments of a scaled run together take the whole run's first positions", () => {
  const users = [user('reader'), user('writer', { weight: 2 }), user('admin', { fixedCount: 1 })];
  for (const parts of [2, 3, 7]) {
    for (const total of [1, 4, 5, 13, 30]) {
      const positions: number[] = [];
      splitInteger(total, parts).forEach((mine, index) => {
        for (let p = 0; p < mine; p++) positions.push(segmentPosition(p, { index, of: parts }));
      });
      assert.deepEqual(
        positions.sort((a, b) => a - b),
        first(total),
        `${total} users over ${parts} segments`,
      );
      assert.deepEqual(counts(users, positions), counts(users, first(total)));
    }
  }
  assert.equal(segmentPosition(5, null), 5);
});

const file: ScenarioDefinition = {
  users: [
    {
      name: 'reader',
      tasks: [
        { name: 'search', tags: ['search'], run },
        { name: 'browse', tags: ['browse', 'slow'], run },
        { name: 'untagged', run },
      ],
    },
    { name: 'writer', weight: 3, tasks: [{ name: 'post', tags: ['write', 'slow'], run }] },
  ],
};
const none = { userClass: [], tags: [], excludeTags: [] };
const taskNames = (s: ScenarioDefinition) =>
  s.users.map((u) => `${u.name}: ${u.tasks.map((t) => t.name).join(',')}`);

test('--user-class keeps only the named classes; nothing chosen keeps the scenario as it is', () => {
  assert.equal(selectUsers(file, none), file);
  const chosen = selectUsers(file, { ...none, userClass: ['writer'] });
  assert.deepEqual(
    chosen.users.map((u) => u.name),
    ['writer'],
  );
  // The one class left takes every user, whatever its weight.
  assert.deepEqual(counts(chosen.users, first(3)), { writer: 3 });
});

test('--tags keeps the tasks with one of the tags; --exclude-tags drops those with any', () => {
  assert.deepEqual(taskNames(selectUsers(file, { ...none, tags: ['slow'] })), [
    'reader: browse',
    'writer: post',
  ]);
  assert.deepEqual(
    taskNames(selectUsers(file, { ...none, tags: ['search', 'browse'], userClass: ['reader'] })),
    ['reader: search,browse'],
  );
  assert.deepEqual(taskNames(selectUsers(file, { ...none, excludeTags: ['browse'] })), [
    'reader: search,untagged',
    'writer: post',
  ]);
  assert.deepEqual(
    taskNames(selectUsers(file, { ...none, tags: ['slow'], excludeTags: ['write'], userClass: ['reader'] })),
    ['reader: browse'],
  );
});

test('an unknown class or tag, or a class left with no task, is a usage error listing what the file has', () => {
  assert.throws(
    () => selectUsers(file, { ...none, userClass: ['reader', 'admin'] }),
    (e: unknown) =>
      e instanceof UsageError &&
      /--user-class: no user class "admin".*its classes: reader, writer/.test(e.message),
  );
  assert.throws(
    () => selectUsers(file, { ...none, tags: ['fast'] }),
    (e: unknown) =>
      e instanceof UsageError &&
      /--tags: no task is tagged "fast".*tags: search, browse, slow, write/.test(e.message),
  );
  assert.throws(
    () => selectUsers(file, { ...none, excludeTags: ['nope'] }),
    (e: unknown) => e instanceof UsageError && /--exclude-tags: no task is tagged "nope"/.test(e.message),
  );
  assert.throws(
    () => selectUsers(file, { ...none, tags: ['search'] }),
    (e: unknown) => e instanceof UsageError && /user class "writer" is left with no task/.test(e.message),
  );
  assert.throws(
    () => selectUsers(file, { ...none, excludeTags: ['write'] }),
    (e: unknown) => e instanceof UsageError && /user class "writer" is left with no task/.test(e.message),
  );
});

test('--list describes classes, weights, fixed counts, tasks and tags', () => {
  const text = describeUsers({ users: [...file.users, user('admin', { fixedCount: 1 })] });
  assert.match(text, /^reader {2}\(weight 1\)\n {2}search {2}\(weight 1\) {2}tags: search\n/);
  assert.match(text, /writer {2}\(weight 3\)\n {2}post {2}\(weight 1\) {2}tags: write, slow\n/);
  assert.match(text, /admin {2}\(fixedCount 1\)\n/);
});

test('a scenario file: tags are names, fixedCount a whole number, class names unique', () => {
  const problems = scenarioProblems({
    users: [
      { name: 'a', fixedCount: 1.5, tasks: [{ run, tags: 'search' }] },
      { name: 'a', fixedCount: -1, tasks: [{ run, tags: ['x,y'] }] },
    ],
  });
  assert.deepEqual(problems, [
    'users[0].fixedCount must be a whole number ≥ 0',
    "users[0].tasks[0].tags must be a list of names (strings without commas), e.g. ['search', 'slow']",
    'users[1].fixedCount must be a whole number ≥ 0',
    "users[1].tasks[0].tags must be a list of names (strings without commas), e.g. ['search', 'slow']",
    'users: two classes are named "a"',
  ]);
  // Only fixedCount classes: no weights to share, and that is fine.
  assert.deepEqual(scenarioProblems({ users: [{ name: 'a', fixedCount: 2, tasks: [{ run }] }] }), []);
});

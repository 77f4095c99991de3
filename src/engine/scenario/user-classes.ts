/**
 * Which users run, as Locust picks them: the classes the run names (`--user-class`), their tasks
 * narrowed by tag (`--tags`, `--exclude-tags`), and the class of each user as it spawns, shared
 * out exactly by weight with `fixedCount` classes first (Locust's UsersDispatcher and fixed_count).
 */
import { UsageError } from '../../errors.ts';
import type { ScenarioDefinition, TaskDefinition, UserClassDefinition } from './define.ts';

/** The run options that choose users and tasks (RunConfig's `userClass`, `tags`, `excludeTags`). */
export interface UserSelection {
  readonly userClass: readonly string[];
  readonly tags: readonly string[];
  readonly excludeTags: readonly string[];
}

const listed = (names: Iterable<string>): string => {
  const all = [...names];
  return all.length === 0 ? '(none)' : all.join(', ');
};

/** Every tag the scenario's tasks carry, in first-seen order. */
export function scenarioTags(scenario: ScenarioDefinition): string[] {
  const tags = new Set<string>();
  for (const user of scenario.users)
    for (const task of user.tasks) for (const tag of task.tags ?? []) tags.add(tag);
  return [...tags];
}

function keepsTask(task: TaskDefinition, selection: UserSelection): boolean {
  const tags = task.tags ?? [];
  if (selection.tags.length > 0 && !tags.some((tag) => selection.tags.includes(tag))) return false;
  return !tags.some((tag) => selection.excludeTags.includes(tag));
}

/**
 * The scenario as this run plays it: only the chosen classes (their weights then share the users
 * among themselves alone), each with only the tasks its tags let through. A name or tag the file
 * does not define, or a class left with no task, is a usage error listing what the file has.
 */
export function selectUsers(scenario: ScenarioDefinition, selection: UserSelection): ScenarioDefinition {
  const names = scenario.users.map((user) => user.name);
  for (const name of selection.userClass) {
    if (!names.includes(name))
      throw new UsageError(
        `--user-class: no user class "${name}" in the scenario (its classes: ${listed(names)})`,
      );
  }
  const known = scenarioTags(scenario);
  for (const [flag, tags] of [
    ['--tags', selection.tags],
    ['--exclude-tags', selection.excludeTags],
  ] as const) {
    const unknown = tags.find((tag) => !known.includes(tag));
    if (unknown !== undefined)
      throw new UsageError(`${flag}: no task is tagged "${unknown}" (the scenario's tags: ${listed(known)})`);
  }
  const chosen =
    selection.userClass.length === 0
      ? scenario.users
      : scenario.users.filter((user) => selection.userClass.includes(user.name));
  if (selection.tags.length === 0 && selection.excludeTags.length === 0) {
    return chosen === scenario.users ? scenario : { ...scenario, users: chosen };
  }
  const users = chosen.map((user): UserClassDefinition => {
    const tasks = user.tasks.filter((task) => keepsTask(task, selection));
    if (tasks.length === 0)
      throw new UsageError(
        `--tags/--exclude-tags: user class "${user.name}" is left with no task (its tasks' tags: ${listed(new Set(user.tasks.flatMap((t) => t.tags ?? [])))}); choose the other classes with --user-class`,
      );
    // Every kept task has weight 0: none could be drawn. Refused like a file whose weights are all 0.
    if (tasks.every((task) => task.weight === 0))
      throw new UsageError(
        `--tags/--exclude-tags: user class "${user.name}" is left with tasks of weight 0 only`,
      );
    return { ...user, tasks };
  });
  return { ...scenario, users };
}

/**
 * Smooth weighted round robin (nginx's, the order Locust's dispatcher spawns in): each step every
 * item gains its weight and the one furthest ahead is picked and pays back the total. Every prefix
 * of n picks holds within one of n × weight / total of each item, and exactly that whenever it is
 * a whole number: 1:1 alternates, 3:1 gives a a b a. Ties go to the item declared first.
 */
function smoothRoundRobin(given: readonly number[]): () => number {
  // Only classes of weight 0 chosen (`--user-class idle`): they share the users equally.
  const weights = given.some((w) => w > 0) ? given : given.map(() => 1);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const current = weights.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  };
}

/** Which class each user is, by its position among the run's users. */
export interface ClassDispatcher {
  /** The class of the user at `position` (0-based) in the spawn order of the whole run. */
  classAt(position: number): UserClassDefinition;
}

/**
 * The spawn order of a run's users: first the `fixedCount` users (interleaved by their counts),
 * then the others by weight. It is a pure function of the position, so every segment of a scaled
 * run computes the same order and takes its own positions from it (see `segmentPosition`).
 * Positions past the fixed users when every class is fixed cycle over the fixed classes.
 */
export function createClassDispatcher(users: readonly UserClassDefinition[]): ClassDispatcher {
  const fixed = users.filter((user) => user.fixedCount !== undefined);
  const weighted = users.filter((user) => user.fixedCount === undefined);
  const fixedTotal = fixed.reduce((sum, user) => sum + user.fixedCount!, 0);
  const fixedNext = smoothRoundRobin(fixed.map((user) => user.fixedCount!));
  const rest = weighted.length > 0 ? weighted : fixed;
  const restNext = smoothRoundRobin(
    weighted.length > 0 ? weighted.map((user) => user.weight ?? 1) : fixed.map((user) => user.fixedCount!),
  );
  /** The order so far, extended as positions are asked for (a position is asked for once per user). */
  const order: UserClassDefinition[] = [];
  return {
    classAt(position) {
      while (order.length <= position)
        order.push(order.length < fixedTotal ? fixed[fixedNext()]! : rest[restNext()]!);
      return order[position]!;
    },
  };
}

/**
 * A segment's user at `position` among its own users is this position in the whole run: positions
 * are dealt out in turn (segment i of N takes i, i + N, i + 2N…). `splitInteger` gives segment i
 * exactly that many of the first n positions, so the segments' users together are the run's first
 * n, and the merged classes are one process's.
 */
export function segmentPosition(
  position: number,
  segment: { readonly index: number; readonly of: number } | null,
): number {
  return segment === null ? position : position * segment.of + segment.index;
}

/** `--list`: the classes, weights, tasks and tags of a scenario, as text. */
export function describeUsers(scenario: ScenarioDefinition): string {
  const lines: string[] = [];
  for (const user of scenario.users) {
    const share =
      user.fixedCount !== undefined ? `fixedCount ${user.fixedCount}` : `weight ${user.weight ?? 1}`;
    lines.push(`${user.name}  (${share})`);
    user.tasks.forEach((task, i) => {
      const tags = task.tags === undefined || task.tags.length === 0 ? '' : `  tags: ${task.tags.join(', ')}`;
      lines.push(`  ${task.name ?? `task ${i + 1}`}  (weight ${task.weight ?? 1})${tags}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The shape check of a scenario file's export, at load time: a wrong shape found mid-run would
 * crash or hang it (an empty user list, a task that is not a function). Lists every problem found,
 * each naming where it is (`users[0].tasks[1].run`).
 */
import { parseWait, ValueError } from '../../config/units.ts';
import { MAX_USER_CLASSES } from '../../metrics/history.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function checkWeight(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    problems.push(`${where}.weight must be a number ≥ 0`);
}

function checkWeightsSum(items: readonly unknown[], where: string, problems: string[]): void {
  const weights = items.map((item) => (isObject(item) ? item.weight : undefined));
  if (weights.length > 0 && weights.every((w) => typeof w === 'number' && w === 0))
    problems.push(`${where}: every weight is 0, so none can be picked`);
}

function checkWait(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    try {
      parseWait(value);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      problems.push(`${where}.wait: ${error.message}`);
    }
    return;
  }
  const pair =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  if (!pair) problems.push(`${where}.wait must be a duration string or [minMs, maxMs]`);
}

function checkTags(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (
    !Array.isArray(value) ||
    !value.every((tag) => typeof tag === 'string' && tag.trim() !== '' && !tag.includes(','))
  )
    problems.push(`${where}.tags must be a list of names (strings without commas), e.g. ['search', 'slow']`);
}

function checkFixedCount(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    problems.push(`${where}.fixedCount must be a whole number ≥ 0`);
}

function checkTask(task: unknown, where: string, problems: string[]): void {
  if (typeof task === 'function') {
    problems.push(`${where} is a function: write { run: ${task.name || '(ctx) => …'} }`);
    return;
  }
  if (!isObject(task)) {
    problems.push(`${where} must be an object { run(ctx) }`);
    return;
  }
  if (typeof task.run !== 'function')
    problems.push(`${where}.run must be a function (got ${typeof task.run})`);
  if (task.name !== undefined && typeof task.name !== 'string')
    problems.push(`${where}.name must be a string`);
  checkWeight(task.weight, where, problems);
  checkTags(task.tags, where, problems);
}

function checkUser(user: unknown, where: string, problems: string[]): void {
  if (!isObject(user)) {
    problems.push(`${where} must be an object { name, tasks }`);
    return;
  }
  if (typeof user.name !== 'string' || user.name === '')
    problems.push(`${where}.name must be a non-empty string`);
  checkWeight(user.weight, where, problems);
  checkFixedCount(user.fixedCount, where, problems);
  checkWait(user.wait, where, problems);
  for (const hook of ['onStart', 'onStop'] as const) {
    if (user[hook] !== undefined && typeof user[hook] !== 'function')
      problems.push(`${where}.${hook} must be a function`);
  }
  if (!Array.isArray(user.tasks) || user.tasks.length === 0) {
    problems.push(`${where}.tasks must list at least one task`);
    return;
  }
  user.tasks.forEach((task, i) => {
    checkTask(task, `${where}.tasks[${i}]`, problems);
  });
  checkWeightsSum(user.tasks, `${where}.tasks`, problems);
}

/** Every problem with a scenario definition's shape; empty when it can run. */
export function scenarioProblems(definition: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(definition)) return ['the export must be an object { users: [...] }'];
  if (!Array.isArray(definition.users) || definition.users.length === 0)
    return ['`users` must list at least one user class'];
  if (definition.users.length > MAX_USER_CLASSES)
    return [`\`users\` lists ${definition.users.length} classes: at most ${MAX_USER_CLASSES}`];
  definition.users.forEach((user, i) => {
    checkUser(user, `users[${i}]`, problems);
  });
  // fixedCount classes take no share by weight: only the others' weights must not all be 0.
  checkWeightsSum(
    definition.users.filter((user) => !isObject(user) || user.fixedCount === undefined),
    'users',
    problems,
  );
  // A class is chosen (`--user-class`) and counted (run.json `userClasses`) by its name.
  const names = definition.users.map((user) => (isObject(user) ? user.name : undefined));
  const repeated = names.find((name, i) => typeof name === 'string' && names.indexOf(name) !== i);
  if (repeated !== undefined) problems.push(`users: two classes are named "${repeated}"`);
  return problems;
}

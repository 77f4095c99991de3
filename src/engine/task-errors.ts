/**
 * What scenario code threw, counted by message for the run's warnings. Messages may carry
 * server data or random ids, so the distinct ones kept are capped; the rest count under one line.
 */
export const MAX_TASK_ERROR_MESSAGES = 20;

export interface TaskErrors {
  add(message: string): void;
  /** One warning per distinct message (at most MAX_TASK_ERROR_MESSAGES, then one for the rest). */
  warnings(): string[];
}

export function createTaskErrors(limit = MAX_TASK_ERROR_MESSAGES): TaskErrors {
  const counts = new Map<string, number>();
  let other = 0;
  return {
    add(message) {
      const count = counts.get(message);
      if (count !== undefined) counts.set(message, count + 1);
      else if (counts.size < limit) counts.set(message, 1);
      else other++;
    },
    warnings() {
      const list = [...counts].map(([message, count]) => `scenario code threw ${count}×: ${message}`);
      if (other > 0) list.push(`scenario code threw ${other}× more, with ${limit}+ distinct messages`);
      return list;
    },
  };
}

/**
 * One timer drives every open stream: each stream says when it next wants to run, and a single
 * re-armed timeout wakes at the earliest due time. Thousands of streams cost one timer, not one each.
 */
export interface TickTask {
  /** performance.now() at which `run` is due. */
  dueAt: number;
  /** Runs the next step; returns false when the task is finished. */
  run(now: number): boolean;
}

export interface Ticker {
  add(task: TickTask): void;
  remove(task: TickTask): void;
  readonly size: number;
  close(): void;
}

export function createTicker(): Ticker {
  const tasks = new Set<TickTask>();
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;

  function arm(dueAt: number): void {
    if (dueAt >= armedFor) return;
    if (timer !== undefined) clearTimeout(timer);
    armedFor = dueAt;
    timer = setTimeout(fire, Math.max(0, dueAt - performance.now()));
  }

  function fire(): void {
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const task of tasks) {
      // Timers have 1 ms resolution: run everything due within it in this pass.
      if (task.dueAt <= now + 1 && !task.run(now)) {
        tasks.delete(task);
        continue;
      }
      if (task.dueAt < next) next = task.dueAt;
    }
    if (next !== Number.POSITIVE_INFINITY) arm(next);
  }

  return {
    add(task) {
      tasks.add(task);
      arm(task.dueAt);
    },
    remove(task) {
      tasks.delete(task);
    },
    get size() {
      return tasks.size;
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      tasks.clear();
    },
  };
}

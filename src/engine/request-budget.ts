/**
 * `--iterations N` is fixed work counted in requests, exactly N whatever the scenario: `burst`'s
 * three requests are three, a scenario task's two turns are two. Every request takes one unit
 * before it is sent; when none is left the task ends there (BudgetSpent, not a task error) and
 * the executor starts no new iteration.
 */
export class BudgetSpent extends Error {
  constructor() {
    super('the --iterations request budget is spent');
    this.name = 'BudgetSpent';
  }
}

export interface RequestBudget {
  /** One request may be sent (true), or the budget is spent (false). */
  take(): boolean;
  left(): number;
  used(): number;
}

export function createRequestBudget(total: number): RequestBudget {
  let used = 0;
  return {
    take() {
      if (used >= total) return false;
      used++;
      return true;
    },
    left: () => total - used,
    used: () => used,
  };
}

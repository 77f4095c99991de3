/**
 * The runs a workflow server remembers, by run id (`GET /v1/workflows/run/:id`) and by task id
 * (`POST …/:task_id/stop`). Bounded: past `maxRecords` the oldest run is forgotten, so a long load
 * test does not grow the server without end.
 */
import type { RunRecord } from './runner.ts';

export interface RunStore {
  remember(run: RunRecord): void;
  byId(id: string): RunRecord | undefined;
  byTask(taskId: string): RunRecord | undefined;
}

export function createRunStore(maxRecords = 10_000): RunStore {
  // A Map iterates in insertion order: its first entry is the oldest run.
  const runs = new Map<string, RunRecord>();
  const tasks = new Map<string, RunRecord>();
  return {
    remember(run) {
      runs.set(run.id, run);
      tasks.set(run.taskId, run);
      if (runs.size > maxRecords) {
        const oldest = runs.values().next().value as RunRecord;
        runs.delete(oldest.id);
        tasks.delete(oldest.taskId);
      }
    },
    byId: (id) => runs.get(id),
    byTask: (taskId) => tasks.get(taskId),
  };
}

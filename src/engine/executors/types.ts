/** Executors schedule iterations; what an iteration does is the virtual user's business (k6 style). */
export interface Executor {
  start(): void;
  /** Closed model: change the target user count. */
  setUsers(users: number): void;
  /** No new iterations; resolves `done` once the running ones end. */
  stop(): void;
  /** Current users (closed) or users busy with an arrival (open). */
  users(): number;
  iterationsStarted(): number;
  /** Open model: arrivals not started because `maxInFlight` requests were already running. */
  dropped(): number;
  /** All work ended (run time, iterations or stages used up, or stopped). */
  readonly done: Promise<void>;
}

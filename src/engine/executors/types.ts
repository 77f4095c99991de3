/** Executors schedule iterations; what an iteration does is the virtual user's business (k6 style). */
export interface Executor {
  start(): void;
  /** Closed model: change the target user count. */
  setUsers(users: number): void;
  /** No new iterations; resolves `done` once the running ones end. */
  stop(): void;
  /**
   * Ends `done` now, leaving behind the users whose scenario code never settled (a task or hook
   * awaiting forever): the run must end on time whatever that code does. Returns how many were left.
   */
  abandon(): number;
  /** Current users (closed) or users busy with an arrival (open). */
  users(): number;
  iterationsStarted(): number;
  /** Iterations that sent no request and settled at once (scenario code without I/O). */
  instantIterations(): number;
  /** Open model: arrivals not started because `maxInFlight` requests were already running. */
  dropped(): number;
  /** All work ended (run time, iterations or stages used up, or stopped). */
  readonly done: Promise<void>;
}

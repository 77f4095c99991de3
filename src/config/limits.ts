/**
 * Documented upper bounds of run settings (README "Limits"). Beyond them a value is exit 2, not a
 * wedged generator: Node timers hold at most 2^31−1 ms (~24.8 days; a longer delay fires after
 * 1 ms), and a billion users or arrivals per second would spin the scheduler before any request.
 */

/** Longest duration of any option (--run-time, timeouts, --live-interval, a stage, the stages' sum): 7 days. */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;
/** Most virtual users of a run (all processes and workers together). */
export const MAX_USERS = 1_000_000;
/** Highest open-model arrival rate (requests per second) of a run. */
export const MAX_RATE = 100_000;
/** Most iterations of a fixed-work run. */
export const MAX_ITERATIONS = 1_000_000_000;
/** Largest SSE event or body size cap: 1 GiB. */
export const MAX_BYTES = 1024 * 1024 * 1024;

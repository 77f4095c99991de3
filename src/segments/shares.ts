/**
 * Splitting the planned load over workers so the parts sum exactly to the whole: users, spawn
 * rate, arrival rate and iterations. Fractional rates are split in thousandths (integers), so
 * `sum(parts) === total` holds for any total with at most three decimals. In config/ (pure
 * arithmetic on option values) because every layer above needs it: fields.ts parses `--segment`,
 * controls/ split their rate, engine/ takes its arrivals, report/ labels merged segments, run.ts
 * runs its share and distributed/ hands shares to workers.
 */

/**
 * An execution segment: part `index` (0-based) of `of` equal parts of a run, as k6's execution
 * segments (lib/execution_segment.go) in equal parts. The CLI writes it 1-based, `--segment 2/3`
 * = `{ index: 1, of: 3 }`. A run computes its whole share from its segment alone.
 */
export interface Segment {
  readonly index: number;
  readonly of: number;
}

/** Most segments of one run. */
export const MAX_SEGMENTS = 10_000;

/** `i/N` (1 ≤ i ≤ N) → a Segment, or why not. */
export function parseSegment(text: string): Segment | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) return `expected i/N like 2/3, got "${text}"`;
  const i = Number(match[1]);
  const of = Number(match[2]);
  if (of < 1 || of > MAX_SEGMENTS) return `N must be 1…${MAX_SEGMENTS}, got "${text}"`;
  if (i < 1 || i > of) return `i must be 1…${of}, got "${text}"`;
  return { index: i - 1, of };
}

/** `2/3` for `{ index: 1, of: 3 }`. */
export function formatSegment(segment: Segment): string {
  return `${segment.index + 1}/${segment.of}`;
}

/**
 * Open model: whether a segment fires arrival `seq` (0-based) of the run's one arrival stream.
 * Every segment computes the same seeded schedule at the whole rate (and rate stages) and fires
 * every N-th arrival, so the segments together fire exactly the arrivals one run would, at the
 * same instants, for constant, Poisson and gamma arrivals alike — and each segment's rate is the
 * whole rate / N, never rounded (2.5 and 0.5 arrivals/s over 2 segments: 1.25 and 0.25 each).
 */
export function takesArrival(seq: number, segment: Segment): boolean {
  return seq % segment.of === segment.index;
}

/** One worker's part of the run. `index` is 0-based; `of` is how many shares the plan has. */
export interface Share extends Segment {
  /** Closed model: virtual users of this share (may be 0 when users < workers). */
  readonly users: number;
  /** Users started per second by this share. */
  readonly spawnRate: number;
  /** Open model: arrivals per second of this share, null for closed-model runs. */
  readonly rate: number | null;
  /** Iterations of this share, null when the run is time-bound. */
  readonly iterations: number | null;
}

/** What is split. */
export interface Plan {
  readonly users: number;
  readonly spawnRate: number;
  readonly rate: number | null;
  readonly iterations: number | null;
}

/** Integer split: the first `total % parts` parts get one more. */
export function splitInteger(total: number, parts: number): number[] {
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`cannot split ${total}: not a whole number ≥ 0`);
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`cannot split into ${parts} parts`);
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Split of a non-negative rate in thousandths; exact for rates with at most three decimals. */
export function splitRate(total: number, parts: number): number[] {
  if (!Number.isFinite(total) || total < 0) throw new RangeError(`cannot split rate ${total}`);
  return splitInteger(Math.round(total * 1000), parts).map((m) => m / 1000);
}

/**
 * Shares of a plan over `parts` workers. Users and rate are interleaved with the spawn rate so a
 * share with more users also spawns faster: spawn rate follows users when users are split.
 */
export function splitPlan(plan: Plan, parts: number): Share[] {
  const users = splitInteger(plan.users, parts);
  const spawn = splitRate(plan.spawnRate, parts);
  const rate = plan.rate === null ? null : splitRate(plan.rate, parts);
  // Fixed work goes only to shares that have users to do it (5 users over 8 shares: the first 5),
  // else a share with no users would wait forever for iterations nobody runs.
  const workers = plan.rate === null && plan.users > 0 ? Math.min(plan.users, parts) : parts;
  const iterations =
    plan.iterations === null
      ? null
      : [...splitInteger(plan.iterations, workers), ...Array<number>(parts - workers).fill(0)];
  return users.map((u, index) => ({
    index,
    of: parts,
    users: u,
    spawnRate: spawn[index]!,
    rate: rate === null ? null : rate[index]!,
    iterations: iterations === null ? null : iterations[index]!,
  }));
}

/** "5 users", "2.5 arrivals/s", "40 iterations": the part of a plan that defines the load. */
export function describeShare(share: Plan): string {
  if (share.rate !== null) return `${share.rate} arrivals/s`;
  if (share.iterations !== null) return `${share.users} users, ${share.iterations} iterations`;
  return `${share.users} users`;
}

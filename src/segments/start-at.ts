/**
 * `--start-at <unix ms | ISO time>`: one clock for every segment of a scaled-out run. Each segment
 * waits for it, and its history rows count seconds from it, so merged second k is the same wall
 * second on every machine (as far as their clocks agree: keep them NTP-synchronised).
 */

/** A start further ahead is a typo (seconds for milliseconds, a wrong day), not a plan. */
export const MAX_START_AHEAD_MS = 24 * 3_600_000;
/**
 * A segment may begin this late (a pod scheduled after the others) and still join the run: its
 * rows keep the common clock, its first seconds are simply missing. Later than that it is refused.
 */
export const MAX_START_LATE_MS = 60_000;

/** Unix ms (digits) or an ISO 8601 time with a date (`2026-05-01T12:00:00Z`) → Unix ms, or why not. */
export function parseStartAt(raw: string | number): number | string {
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    // 13 digits are milliseconds until the year 2286; 10 are seconds, a likely slip.
    if (text.length < 12)
      return `expected Unix milliseconds (13 digits) or an ISO time, got "${text}" (seconds?)`;
    return ms;
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms))
    return `expected Unix milliseconds or an ISO time like 2026-05-01T12:00:00Z, got "${text}"`;
  return ms;
}

/** Why a start time cannot be used now, or null. */
export function checkStartAt(startAtMs: number, nowMs: number): string | null {
  const ahead = startAtMs - nowMs;
  if (ahead > MAX_START_AHEAD_MS)
    return `${new Date(startAtMs).toISOString()} is ${formatS(ahead)} away (at most ${MAX_START_AHEAD_MS / 3_600_000} h)`;
  if (-ahead > MAX_START_LATE_MS)
    return `${new Date(startAtMs).toISOString()} was ${formatS(-ahead)} ago (a segment may start at most ${MAX_START_LATE_MS / 1000} s late)`;
  return null;
}

/** How late a segment begins after the common start (0 when on time or early). */
export function lateMs(startAtMs: number | null | undefined, nowMs: number): number {
  return startAtMs === null || startAtMs === undefined ? 0 : Math.max(0, nowMs - startAtMs);
}

function formatS(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${(ms / 1000).toFixed(1)} s`;
}

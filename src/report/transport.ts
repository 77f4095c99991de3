/**
 * What every report says about the transport and the scenario's checks: TCP connections next to
 * streams (with HTTP/2 many streams share one), the proxy, TLS verification, and checks per name.
 * One wording for the console, summary.txt, report.md and report.html.
 */
import type { Cell } from './tables.ts';
import type { RunJson } from './types.ts';

/** `3 (HTTP/2: 3) for 24 streams`; runs recorded before the count existed say nothing. */
export function describeConnections(run: RunJson): string | undefined {
  const { tcp, http2 } = run.connections;
  if (tcp === undefined) return undefined;
  return `${tcp} (HTTP/2: ${http2 ?? 0}) for ${run.totals.streams} streams`;
}

/** Rows for the test-environment table: users by class, connections, proxy, TLS. */
export function transportRows(run: RunJson): Cell[][] {
  const env = run.environment;
  const rows: Cell[][] = [];
  const classes = describeUserClasses(run);
  if (classes !== undefined) rows.push([USERS_BY_CLASS, classes]);
  const connections = describeConnections(run);
  if (connections !== undefined) rows.push(['TCP connections', connections]);
  if (env.proxy !== undefined) rows.push(['Proxy', env.proxy ?? 'none (direct)']);
  if (env.tls?.insecure) rows.push(['TLS', 'certificates NOT verified (--insecure)']);
  else if (env.tls?.caFile) rows.push(['TLS', `extra CA ${env.tls.caFile}`]);
  return rows;
}

/** The label of `describeUserClasses` in every report. */
export const USERS_BY_CLASS = 'Users by class (most at once)';

/**
 * `reader 2, writer 2`: the most users of each scenario class at once; nothing for a built-in
 * scenario, whose one class is the scenario itself.
 */
export function describeUserClasses(run: RunJson): string | undefined {
  const classes = Object.entries(run.userClasses ?? {});
  if (classes.length === 0 || (classes.length === 1 && classes[0]![0] === run.config.scenario))
    return undefined;
  return formatClassCounts(run.userClasses ?? {});
}

/** `reader 2, writer 2`. */
export function formatClassCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([name, users]) => `${name} ${users}`)
    .join(', ');
}

/** `name, passes, fails, pass rate` per check, by name. */
export function checkRows(run: RunJson): Cell[][] {
  return Object.entries(run.checks ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => [
      name,
      c.passes,
      c.fails,
      `${c.passes + c.fails === 0 ? 0 : ((100 * c.passes) / (c.passes + c.fails)).toFixed(1)}%`,
    ]);
}

export const CHECK_COLUMNS = ['Check', 'Passes', 'Fails', 'Pass rate'];

/**
 * `--monitor` specs: `pid:N`, `cmd:PATTERN` (every process whose command line matches, like
 * `pgrep -f`), `docker:NAME|ID`, `prometheus:URL[#metric,metric…]`. Parsed once, before the load.
 */
import type { MonitorKind } from './types.ts';

export type MonitorSpec =
  | { readonly kind: 'pid'; readonly name: string; readonly pid: number }
  | { readonly kind: 'cmd'; readonly name: string; readonly pattern: RegExp }
  | { readonly kind: 'docker'; readonly name: string; readonly container: string }
  | {
      readonly kind: 'prometheus';
      readonly name: string;
      readonly url: string;
      /** Chosen metrics (`name` or `name{label="v",…}`); null = the default set of a known exporter. */
      readonly metrics: readonly string[] | null;
    };

/** Sources per run and metrics per Prometheus source: every per-name series is bounded. */
export const MAX_MONITOR_SOURCES = 16;
export const MAX_PROMETHEUS_METRICS = 32;

const KINDS: readonly MonitorKind[] = ['pid', 'cmd', 'docker', 'prometheus'];
const METRIC_SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/;
const CONTAINER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** Throws an Error whose message says what is wrong with `text` (the caller names the option). */
export function parseMonitorSpec(text: string): MonitorSpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (!(KINDS as readonly string[]).includes(kind))
    throw new Error(`"${text}": expected pid:N, cmd:PATTERN, docker:NAME or prometheus:URL[#metric,…]`);
  if (rest === '') throw new Error(`"${text}": nothing after "${kind}:"`);
  switch (kind as MonitorKind) {
    case 'pid': {
      if (!/^[1-9][0-9]{0,9}$/.test(rest)) throw new Error(`"${text}": pid must be a positive integer`);
      return { kind: 'pid', name: text, pid: Number(rest) };
    }
    case 'cmd': {
      try {
        return { kind: 'cmd', name: text, pattern: new RegExp(rest) };
      } catch (error) {
        throw new Error(`"${text}": not a regular expression (${(error as Error).message})`);
      }
    }
    case 'docker': {
      if (!CONTAINER.test(rest)) throw new Error(`"${text}": not a container name or id`);
      return { kind: 'docker', name: text, container: rest };
    }
    case 'prometheus':
      return prometheusSpec(text, rest);
  }
}

function prometheusSpec(text: string, rest: string): MonitorSpec {
  const hash = rest.indexOf('#');
  const address = hash < 0 ? rest : rest.slice(0, hash);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`"${text}": not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${text}": the URL must be http or https`);
  if (url.username !== '' || url.password !== '')
    throw new Error(`"${text}": credentials in the URL are not supported`);
  if (hash < 0) return { kind: 'prometheus', name: text, url: url.href, metrics: null };
  const metrics = rest
    .slice(hash + 1)
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (metrics.length === 0) throw new Error(`"${text}": no metric after "#"`);
  if (metrics.length > MAX_PROMETHEUS_METRICS)
    throw new Error(`"${text}": at most ${MAX_PROMETHEUS_METRICS} metrics per source`);
  const bad = metrics.find((m) => !METRIC_SELECTOR.test(m));
  if (bad !== undefined) throw new Error(`"${text}": "${bad}" is not a metric name (or name{label="value"})`);
  return { kind: 'prometheus', name: text, url: url.href, metrics };
}

/** Every spec of a run, checked together: each parses, no source twice, at most MAX_MONITOR_SOURCES. */
export function parseMonitorSpecs(texts: readonly string[]): MonitorSpec[] {
  if (texts.length > MAX_MONITOR_SOURCES) throw new Error(`at most ${MAX_MONITOR_SOURCES} sources`);
  const specs = texts.map(parseMonitorSpec);
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`"${s.name}" is given twice`);
    names.add(s.name);
  }
  return specs;
}

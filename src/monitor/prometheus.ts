/**
 * `prometheus:URL[#metric,…]` sources: scrape any Prometheus text endpoint (node_exporter, cAdvisor,
 * vLLM, a pushgateway) each interval. Gauges are reported as they are, counters as per-second
 * rates between two scrapes; the samples of one name (all its label sets, or those a
 * `name{label="v"}` selector picks) are summed.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { boundedGet } from './http-get.ts';
import type { MonitorValues } from './types.ts';

/**
 * Without `#metrics`, the series of well-known exporters that exist in the first scrape: vLLM's
 * queue and cache, node_exporter's memory and load, cAdvisor's and any client library's process.
 */
export const DEFAULT_METRICS: readonly string[] = [
  'vllm:num_requests_running',
  'vllm:num_requests_waiting',
  'vllm:gpu_cache_usage_perc',
  'vllm:kv_cache_usage_perc',
  'node_load1',
  'node_memory_MemAvailable_bytes',
  'node_cpu_seconds_total{mode="idle"}',
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
];

interface Selector {
  readonly text: string;
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
}

export function parseSelector(text: string): Selector {
  const brace = text.indexOf('{');
  if (brace < 0) return { text, name: text, labels: [] };
  const labels = [
    ...text.slice(brace + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g),
  ].map((m) => [m[1] as string, m[2] as string] as const);
  return { text, name: text.slice(0, brace), labels };
}

/** One scrape: each selector's summed value and whether its family is a counter; absent names left out. */
export function readScrape(
  body: string,
  selectors: readonly Selector[],
): Map<string, { readonly value: number; readonly counter: boolean }> {
  const families = new Map(parsePrometheusTextFormat(body).map((f) => [f.name, f]));
  const out = new Map<string, { value: number; counter: boolean }>();
  for (const s of selectors) {
    const family = families.get(s.name);
    if (family === undefined) continue;
    let sum = 0;
    let matched = false;
    for (const m of family.metrics) {
      if (!s.labels.every(([k, v]) => m.labels?.[k] === v)) continue;
      const value = Number(m.value ?? m.sum);
      if (!Number.isFinite(value)) continue;
      sum += value;
      matched = true;
    }
    if (matched)
      // A histogram's or summary's value is its _sum, which only grows: a rate, like a counter's.
      out.set(s.text, {
        value: sum,
        counter: (family.type !== 'GAUGE' && family.type !== 'UNTYPED') || s.name.endsWith('_total'),
      });
  }
  return out;
}

export function prometheusSampler(
  url: string,
  metrics: readonly string[] | null,
  now: () => number,
  timeoutMs: number,
) {
  let selectors: Selector[] | null = metrics === null ? null : metrics.map(parseSelector);
  let before: Map<string, number> | null = null;
  let beforeMs = 0;
  return async function sample(): Promise<MonitorValues> {
    let answer: Awaited<ReturnType<typeof boundedGet>>;
    try {
      answer = await boundedGet(url, { timeoutMs, maxBytes: 16 * 1024 * 1024 });
    } catch (error) {
      throw new Error(
        `${url} did not answer (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
    const ms = now();
    if (selectors === null) {
      // First scrape without a list: keep the defaults this endpoint has.
      const present = readScrape(answer.body, DEFAULT_METRICS.map(parseSelector));
      if (present.size === 0)
        throw new Error(`${url} has none of the default metrics: name the ones to watch after "#"`);
      selectors = DEFAULT_METRICS.filter((m) => present.has(m)).map(parseSelector);
    }
    const scrape = readScrape(answer.body, selectors);
    if (scrape.size === 0) throw new Error(`${url} has none of ${selectors.map((s) => s.text).join(', ')}`);
    // Metric names come from the endpoint and the user: no prototype keys.
    const values: Record<string, number> = Object.create(null);
    const elapsedS = (ms - beforeMs) / 1000;
    for (const [name, { value, counter }] of scrape) {
      if (!counter) values[name] = value;
      else if (before?.has(name) === true && elapsedS > 0)
        values[name] = Math.max(0, value - (before.get(name) as number)) / elapsedS;
    }
    before = new Map([...scrape].map(([name, s]) => [name, s.value]));
    beforeMs = ms;
    return values;
  };
}

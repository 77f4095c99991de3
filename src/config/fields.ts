/**
 * Every run setting once: its flag, its help, and how a raw value (a CLI string, a config-file
 * value or an env string) becomes a typed one. Flags, config files and env share this table.
 */

import { JITTERS } from '../controls/backoff.ts';
import { parseBackoff, parseCircuitBreaker, parseRetryOn } from '../controls/settings.ts';
import { parseSegment } from '../distributed/shares.ts';
import { ARRIVALS } from '../engine/arrivals.ts';
import { PROTOCOLS } from '../protocols/names.ts';
import { MAX_BYTES, MAX_ITERATIONS, MAX_RATE, MAX_USERS } from './limits.ts';
import { parseStartAt } from './start-at.ts';
import { BUILTIN_SCENARIOS, REPORT_FORMATS } from './types.ts';
import {
  parseBool,
  parseDuration,
  parseHeaders,
  parseHttpUrl,
  parseJsonObject,
  parseList,
  parseNumber,
  parseOneOf,
  parseProxyUrl,
  parseSpec,
  parseStages,
  parseStrings,
  parseText,
  parseWait,
  ValueError,
} from './units.ts';

export type Convert = (raw: unknown) => unknown;

export interface Field {
  /** camelCase key in RunConfig and config files (kebab-case also accepted in files). */
  readonly key: string;
  readonly flag: string;
  readonly arg?: string;
  readonly help: string;
  readonly convert: Convert;
  readonly repeatable?: boolean;
}

const text = parseText;
const number =
  (min: number, integer = false, max = Number.MAX_SAFE_INTEGER) =>
  (raw: unknown) =>
    parseNumber(raw, min, integer, max);
const duration = parseDuration;
const oneOf = (values: readonly string[]) => (raw: unknown) => parseOneOf(values, raw);
const bool = parseBool;
const url = parseHttpUrl;
const json = parseJsonObject;
const wait = parseWait;
const stages = parseStages;
const list = (values: readonly string[]) => (raw: unknown) => parseList(values, raw, 'format');
const spec =
  <T>(parse: (text: string) => T) =>
  (raw: unknown): T =>
    parseSpec(parse, raw);
const strings = parseStrings;
const headers = parseHeaders;
const proxyUrl = parseProxyUrl;

export const FIELDS: readonly Field[] = [
  {
    key: 'target',
    flag: '--target',
    arg: 'url',
    help: 'origin of the API under test (default: start the embedded targets)',
    convert: url,
  },
  {
    key: 'protocol',
    flag: '--protocol',
    arg: 'name',
    help: `${PROTOCOLS.join(' | ')} (default: workflow)`,
    convert: oneOf(PROTOCOLS),
  },
  {
    key: 'apiKey',
    flag: '--api-key',
    arg: 'key',
    help: 'Bearer key; visible in `ps`: prefer --api-key-file or env STREAMLOAD_API_KEY',
    convert: text,
  },
  {
    key: 'apiKeyFile',
    flag: '--api-key-file',
    arg: 'file',
    help: 'read the Bearer key from this file (first line; overrides STREAMLOAD_API_KEY)',
    convert: text,
  },
  { key: 'path', flag: '--path', arg: 'path', help: "request path (default: the protocol's)", convert: text },
  {
    key: 'responseMode',
    flag: '--response-mode',
    arg: 'mode',
    help: 'streaming | blocking (default: streaming)',
    convert: oneOf(['streaming', 'blocking']),
  },
  {
    key: 'scenario',
    flag: '--scenario',
    arg: 'name|file.ts',
    help: `${BUILTIN_SCENARIOS.join(' | ')} or a scenario file (default: stream)`,
    convert: text,
  },
  {
    key: 'questions',
    flag: '--questions',
    arg: 'file',
    help: 'questions, one per line (default: a built-in pool)',
    convert: text,
  },
  { key: 'inputs', flag: '--inputs', arg: 'json', help: 'extra inputs as a JSON object', convert: json },
  {
    key: 'model',
    flag: '--model',
    arg: 'name',
    help: 'openai protocol: model name (default gpt-4o-mini)',
    convert: text,
  },
  {
    key: 'profile',
    flag: '--profile',
    arg: 'name',
    help: 'light | normal | heavy | stress: 10/100, 100/1000, 500/5000, 1000/10000 users/requests',
    convert: oneOf(['light', 'normal', 'heavy', 'stress']),
  },
  {
    key: 'users',
    flag: '--users',
    arg: 'n',
    help: 'concurrent virtual users (default 10)',
    convert: number(1, true, MAX_USERS),
  },
  {
    key: 'spawnRate',
    flag: '--spawn-rate',
    arg: 'n',
    help: 'users started per second (default: users/5, at least 1)',
    convert: number(0.01, false, MAX_USERS),
  },
  {
    key: 'runTime',
    flag: '--run-time',
    arg: 'dur',
    help: 'stop after this long, e.g. 30s, 5m (default 30s)',
    convert: duration,
  },
  {
    key: 'warmup',
    flag: '--warmup',
    arg: 'dur',
    help: 'run the load this long before measuring (excluded from every metric; --run-time follows it)',
    convert: duration,
  },
  {
    key: 'iterations',
    flag: '--iterations',
    arg: 'n',
    help: 'fixed work: stop after n requests (concurrency = users)',
    convert: number(1, true, MAX_ITERATIONS),
  },
  {
    key: 'rate',
    flag: '--rate',
    arg: 'n',
    help: 'open model: start n requests per second regardless of responses',
    convert: number(0.01, false, MAX_RATE),
  },
  {
    key: 'segment',
    flag: '--segment',
    arg: 'i/N',
    help: 'scale-out: do only segment i of N equal parts of the load (users, rate, iterations, arrivals); N runs together do the whole',
    convert: (raw) => {
      const segment = parseSegment(text(raw));
      if (typeof segment === 'string') throw new ValueError(segment);
      return segment;
    },
  },
  {
    key: 'startAt',
    flag: '--start-at',
    arg: 'time',
    help: 'scale-out: wait until this Unix ms or ISO time and count history seconds from it (one clock for all segments)',
    convert: (raw) => {
      const ms = parseStartAt(text(raw));
      if (typeof ms === 'string') throw new ValueError(ms);
      return ms;
    },
  },
  {
    key: 'arrival',
    flag: '--arrival',
    arg: 'kind',
    help: 'open model: constant | poisson | gamma inter-arrival times (default constant)',
    convert: oneOf(ARRIVALS),
  },
  {
    key: 'burstiness',
    flag: '--burstiness',
    arg: 'b',
    help: 'gamma arrivals: shape B (1 = Poisson, < 1 burstier, > 1 smoother); implies --arrival gamma',
    convert: number(0.01, false, 1000),
  },
  {
    key: 'stages',
    flag: '--stages',
    arg: 'spec',
    help: 'ramp profile, e.g. 30s:10,1m:50,30s:0 (users, or arrivals/s with --rate)',
    convert: stages,
  },
  {
    key: 'wait',
    flag: '--wait',
    arg: 'spec',
    help: 'think time between iterations, e.g. 1s or 500ms-2s (default 0)',
    convert: wait,
  },
  {
    key: 'connectTimeout',
    flag: '--connect-timeout',
    arg: 'dur',
    help: 'TCP connect timeout (default 10s)',
    convert: duration,
  },
  {
    key: 'firstByteTimeout',
    flag: '--first-byte-timeout',
    arg: 'dur',
    help: 'time to response headers (default 60s)',
    convert: duration,
  },
  {
    key: 'idleTimeout',
    flag: '--idle-timeout',
    arg: 'dur',
    help: 'longest gap between two events of a stream, headers → first event included; comments and pings do not count (default 60s)',
    convert: duration,
  },
  {
    key: 'stopTimeout',
    flag: '--stop-timeout',
    arg: 'dur',
    help: 'on stop, how long in-flight streams may finish (default 10s)',
    convert: duration,
  },
  {
    key: 'maxEventBytes',
    flag: '--max-event-bytes',
    arg: 'n',
    help: 'largest SSE event before event_too_large (default 1048576)',
    convert: number(1, true, MAX_BYTES),
  },
  {
    key: 'maxSeries',
    flag: '--max-series',
    arg: 'n',
    help: 'most distinct node titles / request names kept apart; the rest share one (other) row (default 100)',
    convert: number(1, true),
  },
  {
    key: 'maxBodySize',
    flag: '--max-body-size',
    arg: 'n',
    help: 'largest blocking response body in bytes before body_too_large (default 8388608)',
    convert: number(1, true),
  },
  {
    key: 'threshold',
    flag: '--threshold',
    arg: 'expr',
    help: 'pass/fail rule, e.g. "ttfe.p95<500ms", "error_rate<1%" (repeatable)',
    convert: strings,
    repeatable: true,
  },
  {
    key: 'slo',
    flag: '--slo',
    arg: 'expr',
    help: 'per-request objective, e.g. "ttft<500ms" (repeatable): goodput and SLO attainment count requests meeting all',
    convert: strings,
    repeatable: true,
  },
  {
    key: 'out',
    flag: '--out',
    arg: 'dir',
    help: 'report folder (default reports/<YYYYMMDD_HHMMSS>/)',
    convert: text,
  },
  {
    key: 'format',
    flag: '--format',
    arg: 'list',
    help: `report files: ${REPORT_FORMATS.join(',')} (default all)`,
    convert: list(REPORT_FORMATS),
  },
  {
    key: 'jsonSummary',
    flag: '--json-summary',
    help: 'print one JSON summary object as the last line of stdout',
    convert: bool,
  },
  {
    key: 'liveInterval',
    flag: '--live-interval',
    arg: 'dur',
    help: 'live console interval (default 5s)',
    convert: duration,
  },
  {
    key: 'seed',
    flag: '--seed',
    arg: 'n',
    help: 'random seed for questions and wait times (default 1)',
    convert: number(0, true),
  },
  {
    key: 'method',
    flag: '--method',
    arg: 'verb',
    help: 'sse protocol: HTTP method (default GET)',
    convert: text,
  },
  { key: 'body', flag: '--body', arg: 'text', help: 'sse protocol: request body', convert: text },
  {
    key: 'terminalEvent',
    flag: '--terminal-event',
    arg: 'name',
    help: 'sse protocol: event type that ends a stream successfully',
    convert: text,
  },
  {
    key: 'terminalData',
    flag: '--terminal-data',
    arg: 'text',
    help: 'sse protocol: event data that ends a stream successfully',
    convert: text,
  },
  {
    key: 'header',
    flag: '--header',
    arg: 'line',
    help: "extra request header 'Name: value' (repeatable; overrides the protocol's and User-Agent)",
    convert: headers,
    repeatable: true,
  },
  {
    key: 'proxy',
    flag: '--proxy',
    arg: 'url',
    help: 'send every request through this HTTP proxy, e.g. http://user:pass@proxy:3128 (default: HTTP_PROXY/HTTPS_PROXY/NO_PROXY)',
    convert: proxyUrl,
  },
  {
    key: 'ca',
    flag: '--ca',
    arg: 'file',
    help: 'PEM file of CA certificates to trust, added to the default roots',
    convert: text,
  },
  {
    key: 'insecure',
    flag: '--insecure',
    help: 'do not verify the TLS certificate (testing only: warned in the console and run.json)',
    convert: bool,
  },
  {
    key: 'cert',
    flag: '--cert',
    arg: 'file',
    help: 'PEM client certificate (mTLS; with --key)',
    convert: text,
  },
  { key: 'key', flag: '--key', arg: 'file', help: 'PEM private key of --cert', convert: text },
  {
    key: 'servername',
    flag: '--servername',
    arg: 'name',
    help: 'TLS server name (SNI and certificate check) when the target is an IP address',
    convert: text,
  },
  {
    key: 'http2',
    flag: '--http2',
    help: 'offer HTTP/2 (ALPN): many streams share one TCP connection; falls back to HTTP/1.1, reported',
    convert: bool,
  },
  {
    key: 'maxInFlight',
    flag: '--max-in-flight',
    arg: 'n',
    help: 'open model: most requests in flight before arrivals are dropped (default 10000)',
    convert: number(1, true, MAX_USERS),
  },
  // Client-side controls (src/controls/): null unless given, so a scenario's own `controls` apply.
  {
    key: 'clientRate',
    flag: '--client-rate',
    arg: 'r',
    help: 'client-side token bucket: at most r requests per second over the run (waits are queue_wait)',
    convert: number(0.001, false, MAX_RATE),
  },
  {
    key: 'clientBurst',
    flag: '--client-burst',
    arg: 'n',
    help: 'token bucket size: requests that may go at once after a quiet spell (default 1)',
    convert: number(1, true, MAX_USERS),
  },
  {
    key: 'maxConcurrency',
    flag: '--max-concurrency',
    arg: 'n',
    help: 'at most n requests in flight across all users (a semaphore; waits are queue_wait)',
    convert: number(1, true, MAX_USERS),
  },
  {
    key: 'retry',
    flag: '--retry',
    arg: 'n',
    help: 'retry a failed request up to n times, at most 100 (every attempt is a request; default 0)',
    convert: number(0, true, 100),
  },
  {
    key: 'retryOn',
    flag: '--retry-on',
    arg: 'list',
    help: 'what is retried: 429,5xx,connection_error,timeout (default all four)',
    convert: spec(parseRetryOn),
  },
  {
    key: 'backoff',
    flag: '--backoff',
    arg: 'min..max',
    help: 'exponential backoff between retries; caps Retry-After too (default 500ms..30s)',
    convert: spec(parseBackoff),
  },
  {
    key: 'jitter',
    flag: '--jitter',
    arg: 'kind',
    help: `backoff jitter: ${JITTERS.join(' | ')} (default full)`,
    convert: oneOf(JITTERS),
  },
  {
    key: 'retryStreams',
    flag: '--retry-streams',
    help: 'also retry a stream that already delivered events (it starts over)',
    convert: bool,
  },
  {
    key: 'circuitBreaker',
    flag: '--circuit-breaker',
    arg: 'spec',
    help: 'failures=N,window=DUR,open=DUR[,half-open=N]: refuse requests (circuit_open) after N failures',
    convert: spec(parseCircuitBreaker),
  },
];

export function convertField(field: Field, raw: unknown, where: string): unknown {
  try {
    return field.convert(raw);
  } catch (error) {
    if (error instanceof ValueError) throw new Error(`${where}: ${error.message}`);
    throw error;
  }
}

/**
 * Every run option once. An entry is the option's name (= its RunConfig key and config-file key;
 * the flag is its kebab-case, the env variable STREAMLOAD_<SNAKE>), help, kind of value (how it
 * is read, its resolved shape, how it is shown), default, and whether the web form shows it. From
 * this table come the CLI flags and help (cli/run-options.ts), config files (file.ts), env and
 * defaults (resolve.ts), the web form (web/form.ts), the worker protocol's check (wire.ts) and the
 * `config` section of schemas/run.schema.json (scripts/schema.ts). RunConfig's option-backed keys
 * are a mapped type over it (types.ts), so a new entry reaches all of them; options-table.test.ts
 * checks that it does.
 */

import { ARRIVALS } from './arrival-kinds.ts';
import { JITTERS, parseBackoff, parseCircuitBreaker, parseRetryOn } from './control-options.ts';
import { MAX_BYTES, MAX_ITERATIONS, MAX_RATE, MAX_USERS } from './limits.ts';
import { embeddedKey, PROFILE_NAMES, PROFILES, type ProfileName, SCENARIO_PRESETS } from './presets.ts';
import { PROTOCOLS, type ProtocolName } from './protocol-names.ts';
import { formatSegment, parseSegment } from './shares.ts';
import { parseStartAt } from './start-at.ts';
import { BUILTIN_SCENARIOS, REPORT_FORMATS, type Stage } from './types.ts';
import { formatDuration, ValueError } from './units.ts';
import {
  amount,
  checked,
  count,
  duration,
  flag,
  headerLines,
  httpUrl,
  jsonObject,
  listOf,
  oneOf,
  proxyUrl,
  retryCauses,
  spec,
  stages,
  text,
  texts,
  type Value,
  wait,
} from './values.ts';

/** What the web form shows of an option (web/form.ts builds the field from the entry). */
export interface WebField {
  /** Lower-case label; errors about the field start with it (`run time: expected …`). */
  readonly label: string;
  /** A secret: typed into a password input and never sent back to the page. */
  readonly secret?: boolean;
  readonly placeholder?: string;
  /**
   * The field may be left empty, and is unless given on the command line: the option's computed
   * default applies (this text is the blank choice of a select, or the placeholder of an input).
   */
  readonly blank?: string;
}

/**
 * What a default computed from other options may read: those options, resolved (resolve.ts hands
 * them over lazily, so a default may read any option whose own default does not read it back).
 */
export interface DefaultContext {
  readonly scenario: string;
  readonly profile: ProfileName | null;
  readonly users: number;
  readonly iterations: number | null;
  readonly rate: number | null;
  readonly stages: readonly Stage[] | null;
  readonly target: string | null;
  readonly protocol: ProtocolName;
  /** Whether a source (flag, config file, env) gave the option. */
  readonly given: (name: string) => boolean;
}

/** One option. T is the value's type, D its default's (null = none: the option is unset). */
export interface Option<T, D extends T | null> {
  readonly help: string;
  /** The value's name in help (`--users <n>`); none = a switch. */
  readonly arg?: string;
  readonly value: Value<T>;
  /** The value when no source gives one; a function computes it from other options (presets). */
  readonly default: D | ((context: DefaultContext) => D);
  /** How a computed default is found, for help ("users/5, at least 1"). */
  readonly defaultHelp?: string;
  /** Given several times, the values add up (`--threshold`, `--header`). */
  readonly repeatable?: boolean;
  readonly web?: WebField;
}

/** An entry; the type parameters tie `default` to `value` (and make null a value only when it is a default). */
function option<T, D extends T | null>(entry: Option<T, D>): Option<T, D> {
  return entry;
}

// biome-ignore lint/suspicious/noExplicitAny: the table's entries differ in T; each keeps its own.
type AnyOption = Option<any, any>;
/** An option's resolved value type: its kind's, and null when its default may be null. */
export type ValueOf<O> = O extends Option<infer T, infer D> ? T | Extract<D, null> : never;

export const OPTIONS = {
  target: option({
    arg: 'url',
    help: 'origin of the API under test',
    value: httpUrl,
    default: null,
    defaultHelp: 'start the embedded targets',
    web: { label: 'target', placeholder: 'empty = embedded reference targets' },
  }),
  protocol: option({
    arg: 'name',
    help: PROTOCOLS.join(' | '),
    value: oneOf(PROTOCOLS),
    default: (c): ProtocolName => SCENARIO_PRESETS[c.scenario]?.protocol ?? 'workflow',
    defaultHelp: "the scenario's, else workflow",
    web: { label: 'protocol', blank: "(scenario's)" },
  }),
  apiKey: option({
    arg: 'key',
    help: 'Bearer key; visible in `ps`: prefer --api-key-file or env STREAMLOAD_API_KEY',
    value: text,
    default: (c): string | null => (c.target === null ? embeddedKey(c.protocol, c.scenario) : null),
    defaultHelp: "the embedded targets' keys",
    web: { label: 'API key', secret: true, placeholder: 'from the command line' },
  }),
  apiKeyFile: option({
    arg: 'file',
    help: 'read the Bearer key from this file (first line; overrides STREAMLOAD_API_KEY)',
    value: text,
    default: null,
  }),
  path: option({
    arg: 'path',
    help: 'request path',
    value: text,
    default: null,
    defaultHelp: "the protocol's",
  }),
  responseMode: option({
    arg: 'mode',
    help: 'streaming | blocking',
    value: oneOf(['streaming', 'blocking']),
    default: (c) => SCENARIO_PRESETS[c.scenario]?.responseMode ?? 'streaming',
    defaultHelp: "the scenario's, else streaming",
  }),
  scenario: option({
    arg: 'name|file.ts',
    help: `${BUILTIN_SCENARIOS.join(' | ')} or a scenario file`,
    value: text,
    default: 'stream',
    web: { label: 'scenario' },
  }),
  questions: option({
    arg: 'file',
    help: 'questions, one per line',
    value: text,
    default: null,
    defaultHelp: 'a built-in pool',
  }),
  inputs: option({
    arg: 'json',
    help: 'extra inputs as a JSON object',
    value: jsonObject,
    default: {},
  }),
  model: option({
    arg: 'name',
    help: 'openai protocol: model name (default gpt-4o-mini)',
    value: text,
    default: null,
  }),
  profile: option({
    arg: 'name',
    help: `${PROFILE_NAMES.join(' | ')}: ${PROFILE_NAMES.map((p) => `${PROFILES[p].users}/${PROFILES[p].iterations}`).join(', ')} users/requests`,
    value: oneOf(PROFILE_NAMES),
    default: null,
  }),
  users: option({
    arg: 'n',
    help: 'concurrent virtual users',
    value: count(1, MAX_USERS),
    default: (c) => (c.profile === null ? 10 : PROFILES[c.profile].users),
    defaultHelp: "10, or the profile's",
    web: { label: 'users' },
  }),
  spawnRate: option({
    arg: 'n',
    help: 'users started per second',
    value: amount(0.01, MAX_USERS),
    default: (c) => Math.max(1, c.users / 5),
    defaultHelp: 'users/5, at least 1',
    web: { label: 'spawn rate', blank: 'users/5, at least 1' },
  }),
  runTime: option({
    arg: 'dur',
    help: 'stop after this long, e.g. 30s, 5m',
    value: duration,
    default: (c): number | null => (c.iterations !== null || c.stages !== null ? null : 30_000),
    defaultHelp: '30s; none with --iterations or --stages',
    web: { label: 'run time' },
  }),
  warmup: option({
    arg: 'dur',
    help: 'run the load this long before measuring (excluded from every metric; --run-time follows it)',
    value: duration,
    default: 0,
  }),
  iterations: option({
    arg: 'n',
    help: 'fixed work: stop after n requests (concurrency = users)',
    value: count(1, MAX_ITERATIONS),
    default: (c): number | null =>
      c.profile !== null && c.rate === null && c.stages === null ? PROFILES[c.profile].iterations : null,
    defaultHelp: "none, or the profile's",
  }),
  rate: option({
    arg: 'n',
    help: 'open model: start n requests per second regardless of responses',
    value: amount(0.01, MAX_RATE),
    default: null,
  }),
  segment: option({
    arg: 'i/N',
    help: 'scale-out: do only segment i of N equal parts of the load (users, rate, iterations, arrivals); N runs together do the whole',
    value: checked(parseSegment, {
      schema: {
        type: 'object',
        properties: { index: { type: 'integer', minimum: 0 }, of: { type: 'integer', minimum: 1 } },
      },
      show: formatSegment,
      example: '2/3',
    }),
    default: null,
  }),
  startAt: option({
    arg: 'time',
    help: 'scale-out: wait until this Unix ms or ISO time and count history seconds from it (one clock for all segments)',
    value: checked(parseStartAt, {
      schema: { type: 'integer', minimum: 0 },
      show: String,
      example: new Date(0).toISOString(),
    }),
    default: null,
  }),
  arrival: option({
    arg: 'kind',
    help: 'open model: constant | poisson | gamma inter-arrival times',
    value: oneOf(ARRIVALS),
    default: (c) => (c.given('burstiness') ? 'gamma' : 'constant'),
    defaultHelp: 'constant; gamma with --burstiness',
  }),
  burstiness: option({
    arg: 'b',
    help: 'gamma arrivals: shape B (1 = Poisson, < 1 burstier, > 1 smoother); implies --arrival gamma',
    value: amount(0.01, 1000),
    default: 1,
  }),
  stages: option({
    arg: 'spec',
    help: 'ramp profile, e.g. 30s:10,1m:50,30s:0 (users, or arrivals/s with --rate)',
    value: stages,
    default: null,
  }),
  wait: option({
    arg: 'spec',
    help: 'think time between iterations, e.g. 1s or 500ms-2s',
    value: wait,
    default: [0, 0] as const,
  }),
  connectTimeout: option({ arg: 'dur', help: 'TCP connect timeout', value: duration, default: 10_000 }),
  firstByteTimeout: option({
    arg: 'dur',
    help: 'time to response headers',
    value: duration,
    default: 60_000,
  }),
  idleTimeout: option({
    arg: 'dur',
    help: 'longest gap between two events of a stream, headers → first event included; comments and pings do not count',
    value: duration,
    default: 60_000,
  }),
  stopTimeout: option({
    arg: 'dur',
    help: 'on stop, how long in-flight streams may finish',
    value: duration,
    default: 10_000,
  }),
  maxEventBytes: option({
    arg: 'n',
    help: 'largest SSE event before event_too_large',
    value: count(1, MAX_BYTES),
    default: 1024 * 1024,
  }),
  maxSeries: option({
    arg: 'n',
    help: 'most distinct node titles / request names kept apart; the rest share one (other) row',
    value: count(1),
    default: 100,
  }),
  maxBodySize: option({
    arg: 'n',
    help: 'largest blocking response body in bytes before body_too_large',
    value: count(1),
    default: 8 * 1024 * 1024,
  }),
  threshold: option({
    arg: 'expr',
    help: 'pass/fail rule, e.g. "ttfe.p95<500ms", "error_rate<1%" (repeatable)',
    value: texts,
    default: [],
    repeatable: true,
  }),
  slo: option({
    arg: 'expr',
    help: 'per-request objective, e.g. "ttft<500ms" (repeatable): goodput and SLO attainment count requests meeting all',
    value: texts,
    default: [],
    repeatable: true,
  }),
  out: option({
    arg: 'dir',
    help: 'report folder',
    value: text,
    default: null,
    defaultHelp: 'reports/<YYYYMMDD_HHMMSS>/',
  }),
  repeat: option({
    arg: 'n',
    help: 'run the same configuration n times into OUT/rep-1 … rep-n, plus a summary of their spread (repeats for `streamload compare`)',
    value: count(1, 100),
    default: 1,
  }),
  repeatPause: option({
    arg: 'dur',
    help: 'with --repeat: pause between the runs, e.g. 10s (lets the target settle)',
    value: duration,
    default: 0,
  }),
  format: option({
    arg: 'list',
    help: `report files: ${REPORT_FORMATS.join(',')}`,
    value: listOf(REPORT_FORMATS, 'format'),
    default: REPORT_FORMATS,
    defaultHelp: 'all',
  }),
  jsonSummary: option({
    help: 'print one JSON summary object as the last line of stdout',
    value: flag,
    default: false,
  }),
  liveInterval: option({ arg: 'dur', help: 'live console interval', value: duration, default: 5_000 }),
  seed: option({
    arg: 'n',
    help: 'random seed for questions and wait times',
    value: count(0),
    default: 1,
  }),
  method: option({ arg: 'verb', help: 'sse protocol: HTTP method', value: text, default: 'GET' }),
  body: option({ arg: 'text', help: 'sse protocol: request body', value: text, default: null }),
  terminalEvent: option({
    arg: 'name',
    help: 'sse protocol: event type that ends a stream successfully',
    value: text,
    default: null,
  }),
  terminalData: option({
    arg: 'text',
    help: 'sse protocol: event data that ends a stream successfully',
    value: text,
    default: null,
  }),
  header: option({
    arg: 'line',
    help: "extra request header 'Name: value' (repeatable; overrides the protocol's and User-Agent)",
    value: headerLines,
    default: [],
    repeatable: true,
  }),
  proxy: option({
    arg: 'url',
    help: 'send every request through this HTTP proxy, e.g. http://user:pass@proxy:3128',
    value: proxyUrl,
    default: null,
    defaultHelp: 'HTTP_PROXY/HTTPS_PROXY/NO_PROXY',
  }),
  ca: option({
    arg: 'file',
    help: 'PEM file of CA certificates to trust, added to the default roots',
    value: text,
    default: null,
  }),
  insecure: option({
    help: 'do not verify the TLS certificate (testing only: warned in the console and run.json)',
    value: flag,
    default: false,
  }),
  cert: option({
    arg: 'file',
    help: 'PEM client certificate (mTLS; with --key)',
    value: text,
    default: null,
  }),
  key: option({ arg: 'file', help: 'PEM private key of --cert', value: text, default: null }),
  servername: option({
    arg: 'name',
    help: 'TLS server name (SNI and certificate check) when the target is an IP address',
    value: text,
    default: null,
  }),
  http2: option({
    help: 'offer HTTP/2 (ALPN): many streams share one TCP connection; falls back to HTTP/1.1, reported',
    value: flag,
    default: false,
  }),
  maxConnections: option({
    arg: 'n',
    help: 'most TCP connections to the target per process; more requests wait for a free one, the wait counted in ttfb (HTTP/1.1 carries one stream per connection: a browser allows 6 per host)',
    value: count(1, MAX_USERS),
    default: null,
    defaultHelp: 'no limit',
  }),
  maxInFlight: option({
    arg: 'n',
    help: 'open model: most requests in flight before arrivals are dropped',
    value: count(1, MAX_USERS),
    default: 10_000,
  }),
  // Client-side controls (src/controls/): null unless given, so a scenario's own `controls` apply;
  // the defaults of what neither sets are controls/settings.ts's (resolveControls), said in the help.
  clientRate: option({
    arg: 'r',
    help: 'client-side token bucket: at most r requests per second over the run (waits are queue_wait)',
    value: amount(0.001, MAX_RATE),
    default: null,
  }),
  clientBurst: option({
    arg: 'n',
    help: 'token bucket size: requests that may go at once after a quiet spell (default 1)',
    value: count(1, MAX_USERS),
    default: null,
  }),
  maxConcurrency: option({
    arg: 'n',
    help: 'at most n requests in flight across all users (a semaphore; waits are queue_wait)',
    value: count(1, MAX_USERS),
    default: null,
  }),
  retry: option({
    arg: 'n',
    help: 'retry a failed request up to n times, at most 100 (every attempt is a request; default 0)',
    value: count(0, 100),
    default: null,
  }),
  retryOn: option({
    arg: 'list',
    help: 'what is retried: 429,5xx,connection_error,timeout (default all four)',
    value: spec(parseRetryOn, {
      schema: retryCauses,
      show: (causes) => causes.join(','),
      example: '429,5xx',
    }),
    default: null,
  }),
  backoff: option({
    arg: 'min..max',
    help: 'exponential backoff between retries; caps Retry-After too (default 500ms..30s)',
    value: spec(parseBackoff, {
      schema: {
        type: 'object',
        properties: { minMs: { type: 'number', minimum: 0 }, maxMs: { type: 'number', minimum: 0 } },
      },
      show: (b) => `${formatDuration(b.minMs)}..${formatDuration(b.maxMs)}`,
      example: '1s..10s',
    }),
    default: null,
  }),
  jitter: option({
    arg: 'kind',
    help: `backoff jitter: ${JITTERS.join(' | ')} (default full)`,
    value: oneOf(JITTERS),
    default: null,
  }),
  retryStreams: option({
    help: 'also retry a stream that already delivered events (it starts over)',
    value: flag,
    default: null,
  }),
  circuitBreaker: option({
    arg: 'spec',
    help: 'failures=N,window=DUR,open=DUR[,half-open=N]: refuse requests (circuit_open) after N failures',
    value: spec(parseCircuitBreaker, {
      schema: {
        type: 'object',
        properties: {
          failures: { type: 'integer', minimum: 1 },
          windowMs: { type: 'number', minimum: 0 },
          openMs: { type: 'number', minimum: 0 },
          halfOpen: { type: 'integer', minimum: 1 },
        },
      },
      show: (b) =>
        `failures=${b.failures},window=${formatDuration(b.windowMs)},open=${formatDuration(b.openMs)},half-open=${b.halfOpen}`,
      example: 'failures=5,window=10s,open=30s',
    }),
    default: null,
  }),
} satisfies Record<string, AnyOption>;

export type OptionName = keyof typeof OPTIONS;
/** Every option's resolved value, under the option's name: RunConfig's option-backed part. */
export type OptionValues = { readonly [K in OptionName]: ValueOf<(typeof OPTIONS)[K]> };
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

export function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

/** The option a config-file key or scenario `controls` key names: `runTime` or `run-time`. */
export function optionNamed(key: string): OptionName | undefined {
  const name = key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return isOptionName(name) && (key === name || key === flagOf(name).slice(2)) ? name : undefined;
}

/** The entry of an option, typed loosely for code that walks the whole table. */
export function optionEntry(name: OptionName): AnyOption {
  return OPTIONS[name];
}

/** `runTime` → `--run-time`. */
export function flagOf(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The env variable of an option: apiKey → STREAMLOAD_API_KEY. */
export function envName(name: string): string {
  return `STREAMLOAD_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The option's help line with its default, as --help prints it. */
export function helpOf(name: OptionName): string {
  const entry = optionEntry(name);
  const fixed = typeof entry.default === 'function' || entry.default === null ? undefined : entry.default;
  // A switch is off and an empty list or object is nothing: no default worth a word.
  const empty =
    fixed === undefined ||
    typeof fixed === 'boolean' ||
    (typeof fixed === 'object' && Object.keys(fixed).length === 0);
  const shown = entry.defaultHelp ?? (empty ? undefined : entry.value.show(fixed));
  return shown === undefined ? entry.help : `${entry.help} (default: ${shown})`;
}

/**
 * Whether the option's resolved value may be null: no default, or a computed one that can be
 * (options-table.test.ts resolves each with and without the options its default reads).
 */
export function mayBeNull(name: OptionName): boolean {
  const entry = optionEntry(name);
  return entry.default === null || NULLABLE_COMPUTED.has(name);
}
const NULLABLE_COMPUTED: ReadonlySet<OptionName> = new Set(['apiKey', 'runTime', 'iterations']);

/** Reads a raw value for an option; a bad one is an Error starting with `where` (flag, file:line, env name). */
export function convertOption<K extends OptionName>(name: K, raw: unknown, where: string): OptionValues[K] {
  try {
    return optionEntry(name).value.parse(raw);
  } catch (error) {
    if (error instanceof ValueError) throw new Error(`${where}: ${error.message}`);
    throw error;
  }
}

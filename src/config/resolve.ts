/**
 * From what the user gave (flags, config file, env) to a RunConfig. Precedence: flags > config file
 * > `STREAMLOAD_*` env > scenario and profile presets > defaults. Every error names its source.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { ArrivalKind } from '../engine/arrivals.ts';
import { UsageError } from '../errors.ts';
import type { ProtocolName, ResponseMode } from '../protocols/types.ts';
import { parseObjective } from '../slo/objectives.ts';
import { VERSION } from '../version.ts';
import { pickControls } from './controls.ts';
import { convertField, FIELDS } from './fields.ts';
import { readConfigFile } from './file.ts';
import { MAX_DURATION_MS, MAX_RATE } from './limits.ts';
import { describePool } from './question-pool.ts';
import { redactSecrets } from './redact.ts';
import { checkStartAt } from './start-at.ts';
import { parseThreshold } from './thresholds.ts';
import {
  BUILTIN_SCENARIOS,
  type ProxySettings,
  REPORT_FORMATS,
  type RunConfig,
  type Stage,
  type TlsSettings,
} from './types.ts';

export interface ConfigSources {
  /** Explicitly given flags, already converted (keys as in FIELDS), plus `config`. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The classic suites' presets (PRODUCT.md): concurrency and a fixed number of requests. */
const PROFILES = {
  light: { users: 10, iterations: 100 },
  normal: { users: 100, iterations: 1000 },
  heavy: { users: 500, iterations: 5000 },
  stress: { users: 1000, iterations: 10_000 },
} as const;

const SCENARIO_PRESETS: Record<string, { protocol?: ProtocolName; responseMode?: ResponseMode }> = {
  stream: { responseMode: 'streaming' },
  burst: { responseMode: 'streaming' },
  blocking: { responseMode: 'blocking' },
  'empty-qps': { protocol: 'workflow', responseMode: 'blocking' },
  llm: { protocol: 'workflow', responseMode: 'streaming' },
  'chat-completions': { protocol: 'openai', responseMode: 'streaming' },
};

export const DEFAULT_QUESTIONS = [
  'What is the capital of France?',
  'Explain Server-Sent Events in one paragraph.',
  'Write a haiku about load testing.',
  'Summarize the benefits of keep-alive connections.',
  'What does time to first token measure?',
  'List three ways to reduce tail latency.',
];

/** The env variable for a field: apiKey → STREAMLOAD_API_KEY. */
export function envName(key: string): string {
  return `STREAMLOAD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function fromEnv(env: ConfigSources['env']): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const raw = env[envName(field.key)];
    if (raw === undefined || raw === '') continue;
    try {
      values[field.key] = convertField(field, raw, envName(field.key));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return values;
}

export function resolveRunConfig(sources: ConfigSources): RunConfig {
  const file =
    typeof sources.flags.config === 'string'
      ? readConfigFile(resolvePath(sources.cwd, sources.flags.config))
      : {};
  const given: Record<string, unknown> = { ...fromEnv(sources.env), ...file, ...sources.flags };
  const pick = <T>(key: string, fallback: T): T => (given[key] === undefined ? fallback : (given[key] as T));

  const scenario = pick('scenario', 'stream');
  const isFile = !(BUILTIN_SCENARIOS as readonly string[]).includes(scenario);
  if (isFile && !/\.[cm]?[tj]s$/.test(scenario)) {
    throw new UsageError(
      `--scenario: "${scenario}" is neither a built-in (${BUILTIN_SCENARIOS.join(', ')}) nor a .ts/.js file`,
    );
  }
  const preset = SCENARIO_PRESETS[scenario] ?? {};
  const profile = PROFILES[pick<keyof typeof PROFILES | undefined>('profile', undefined) ?? 'light'];
  const hasProfile = given.profile !== undefined;
  const users = pick('users', hasProfile ? profile.users : 10);
  const target = pick<string | null>('target', null);
  const protocol = pick<ProtocolName>('protocol', preset.protocol ?? 'workflow');
  const rate = pick<number | null>('rate', null);
  const stages = pick<Stage[] | null>('stages', null);
  // A profile's request count applies unless the run is shaped otherwise (open model, stages).
  const iterations = pick<number | null>(
    'iterations',
    hasProfile && rate === null && stages === null ? profile.iterations : null,
  );
  if (iterations !== null && rate !== null)
    throw new UsageError('--iterations and --rate cannot be combined (fixed work or open model, not both)');
  if (stages !== null) checkStageLimits(stages, rate !== null);
  const runTimeDefault = iterations !== null || stages !== null ? null : 30_000;

  const thresholds = pick<string[]>('threshold', []);
  for (const expr of thresholds) {
    const parsed = parseThreshold(expr);
    if (typeof parsed === 'string') throw new UsageError(`--threshold: ${parsed}`);
  }

  const slos = pick<string[]>('slo', []);
  for (const expr of slos) {
    const parsed = parseObjective(expr);
    if (typeof parsed === 'string') throw new UsageError(`--slo: ${parsed}`);
  }

  return {
    target,
    protocol,
    apiKey: resolveApiKey(sources, given) ?? (target === null ? embeddedKey(protocol, scenario) : null),
    path: pick<string | null>('path', null),
    responseMode: pick<ResponseMode>('responseMode', preset.responseMode ?? 'streaming'),
    scenario: isFile ? resolvePath(sources.cwd, scenario) : scenario,
    questions: loadQuestions(pick<string | null>('questions', null), sources.cwd),
    inputs: pick('inputs', {}),
    model: pick<string | null>('model', null),
    users,
    spawnRate: pick('spawnRate', Math.max(1, users / 5)),
    runTimeMs: pick<number | null>('runTime', runTimeDefault),
    warmupMs: warmupOf(given, iterations, stages),
    iterations,
    rate,
    stages,
    waitMs: pick<[number, number]>('wait', [0, 0]),
    connectTimeoutMs: pick('connectTimeout', 10_000),
    firstByteTimeoutMs: pick('firstByteTimeout', 60_000),
    idleTimeoutMs: pick('idleTimeout', 60_000),
    stopTimeoutMs: pick('stopTimeout', 10_000),
    maxEventBytes: pick('maxEventBytes', 1024 * 1024),
    maxBodyBytes: pick('maxBodySize', 8 * 1024 * 1024),
    maxSeries: pick('maxSeries', 100),
    thresholds,
    slos,
    out: pick<string | null>('out', null),
    formats: pick<string[]>('format', [...REPORT_FORMATS]),
    jsonSummary: pick('jsonSummary', false),
    liveIntervalMs: pick('liveInterval', 5_000),
    seed: pick('seed', 1),
    method: pick('method', 'GET'),
    body: pick<string | null>('body', null),
    terminalEvent: pick<string | null>('terminalEvent', null),
    terminalData: pick<string | null>('terminalData', null),
    maxInFlight: pick('maxInFlight', 10_000),
    ...arrivalsOf(given, rate),
    headers: requestHeaders(pick<[string, string][]>('header', [])),
    // The embedded targets are this machine's own child process: the environment's proxy is for
    // reaching real deployments, not them (an explicit --proxy still applies).
    proxy: target === null && typeof given.proxy !== 'string' ? null : resolveProxy(given.proxy, sources.env),
    tls: resolveTls(given, sources.cwd),
    http2: pick('http2', false),
    controls: pickControls(given),
    segment: pick('segment', null),
    startAt: checkedStartAt(pick<number | null>('startAt', null)),
  };
}

/**
 * The API key: `--api-key` on the command line, else the file of `--api-key-file` (from any
 * source), else `apiKey` from the config file or STREAMLOAD_API_KEY. Both flags at once is an error.
 */
function resolveApiKey(sources: ConfigSources, given: Record<string, unknown>): string | null {
  const file = given.apiKeyFile as string | undefined;
  if (file === undefined) return (given.apiKey as string | undefined) ?? null;
  if (sources.flags.apiKey !== undefined && sources.flags.apiKeyFile !== undefined)
    throw new UsageError('--api-key-file and --api-key: give one of them');
  if (sources.flags.apiKey !== undefined) return sources.flags.apiKey as string;
  let text: string;
  try {
    text = readFileSync(resolvePath(sources.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--api-key-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const key = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (key === '') throw new UsageError(`--api-key-file: ${file} is empty (the key goes on its first line)`);
  return key;
}

/** The stages together are one run time, and with --rate their targets are arrival rates. */
function checkStageLimits(stages: readonly Stage[], open: boolean): void {
  const totalMs = stages.reduce((sum, s) => sum + s.durationS * 1000, 0);
  if (totalMs > MAX_DURATION_MS)
    throw new UsageError(
      `--stages: the stages last ${totalMs / 3_600_000}h, at most ${MAX_DURATION_MS / 3_600_000}h (7 days)`,
    );
  const highest = Math.max(...stages.map((s) => s.target));
  if (open && highest > MAX_RATE)
    throw new UsageError(
      `--stages: with --rate, a stage target is an arrival rate of at most ${MAX_RATE.toLocaleString('en-US')}/s, got ${highest}`,
    );
}

/** `--start-at` no further than 24 h ahead and at most 60 s late, checked against this clock. */
function checkedStartAt(startAt: number | null): number | null {
  const why = startAt === null ? null : checkStartAt(startAt, Date.now());
  if (why !== null) throw new UsageError(`--start-at: ${why}`);
  return startAt;
}

/** `--warmup`: before a run time only (fixed work and stages have no steady part to wait for). */
function warmupOf(
  given: Readonly<Record<string, unknown>>,
  iterations: number | null,
  stages: readonly Stage[] | null,
): number {
  const warmup = given.warmup as number | undefined;
  if (warmup !== undefined && (iterations !== null || stages !== null))
    throw new UsageError(
      `--warmup: only with a run time, not with ${iterations !== null ? '--iterations' : '--stages'}`,
    );
  return warmup ?? 0;
}

/** `--arrival` and `--burstiness`: open model only; a burstiness alone means gamma arrivals. */
function arrivalsOf(
  given: Readonly<Record<string, unknown>>,
  rate: number | null,
): Pick<RunConfig, 'arrival' | 'burstiness'> {
  const arrival = given.arrival as ArrivalKind | undefined;
  const burstiness = given.burstiness as number | undefined;
  const flag = arrival !== undefined ? '--arrival' : '--burstiness';
  if (rate === null && (arrival !== undefined || burstiness !== undefined))
    throw new UsageError(`${flag}: arrivals are spaced only in the open model (add --rate)`);
  if (burstiness !== undefined && arrival !== undefined && arrival !== 'gamma')
    throw new UsageError(`--burstiness: the gamma shape needs --arrival gamma, not ${arrival}`);
  return {
    arrival: arrival ?? (burstiness === undefined ? 'constant' : 'gamma'),
    burstiness: burstiness ?? 1,
  };
}

/** `User-Agent: streamload/<version>` unless a header overrides it; names lower-cased so they override the protocol's. */
function requestHeaders(pairs: readonly [string, string][]): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `streamload/${VERSION}` };
  for (const [name, value] of pairs) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * `--proxy URL` sends everything through URL; `--no-proxy` (false) goes direct; otherwise the
 * usual environment variables, the lower-case form first as curl and undici read them.
 */
function resolveProxy(flag: unknown, env: ConfigSources['env']): ProxySettings | null {
  if (flag === false) return null;
  if (typeof flag === 'string') return { http: flag, https: flag, noProxy: '', source: 'flag' };
  const read = (name: string) => env[name.toLowerCase()] || env[name] || null;
  const http = read('HTTP_PROXY');
  const https = read('HTTPS_PROXY');
  if (http === null && https === null) return null;
  for (const [name, value] of [
    ['HTTP_PROXY', http],
    ['HTTPS_PROXY', https],
  ] as const) {
    if (value === null) continue;
    try {
      new URL(value);
    } catch {
      throw new UsageError(`${name}: expected a proxy URL like http://proxy:3128 (or use --no-proxy)`);
    }
  }
  return { http, https, noProxy: read('NO_PROXY') ?? '', source: 'env' };
}

function resolveTls(given: Record<string, unknown>, cwd: string): TlsSettings {
  const file = (key: 'ca' | 'cert' | 'key'): string | null => {
    const value = given[key];
    if (typeof value !== 'string') return null;
    const path = resolvePath(cwd, value);
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      throw new UsageError(`--${key}: cannot read ${value} (${(error as NodeJS.ErrnoException).code})`);
    }
    return path;
  };
  const tls: TlsSettings = {
    ca: file('ca'),
    cert: file('cert'),
    key: file('key'),
    insecure: given.insecure === true,
    servername: typeof given.servername === 'string' ? given.servername : null,
  };
  if ((tls.cert === null) !== (tls.key === null))
    throw new UsageError(
      `${tls.cert === null ? '--key' : '--cert'}: a client certificate needs both --cert FILE and --key FILE`,
    );
  return tls;
}

/** The documented keys of the embedded workflow server's built-in apps. */
function embeddedKey(protocol: ProtocolName, scenario: string): string | null {
  if (protocol === 'chat') return 'app-chat';
  if (protocol === 'workflow') return scenario === 'empty-qps' ? 'app-empty' : 'app-llm';
  return null;
}

function loadQuestions(file: string | null, cwd: string): string[] {
  if (file === null) return DEFAULT_QUESTIONS;
  let text: string;
  try {
    text = readFileSync(resolvePath(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--questions: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) throw new UsageError(`--questions: ${file} has no questions (one per line)`);
  return lines;
}

/** The config as run.json and the reports print it: secrets redacted, the question pool described. */
export function redactConfig(config: RunConfig): Record<string, unknown> {
  const { questions, ...rest } = config;
  return { ...(redactSecrets(rest) as Record<string, unknown>), questions: describePool(questions) };
}

/**
 * From what the user gave (flags, env, config file) to a RunConfig. Precedence, as k6 has it:
 * flags > `STREAMLOAD_*` env > config file > scenario and profile presets > defaults (an explicit
 * `STREAMLOAD_API_KEY` must not lose to the key in a `./streamload.yml` that setup left in the
 * folder). Every error names its source.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../errors.ts';
import { parseObjective } from '../slo/objectives.ts';
import { VERSION } from '../version.ts';
import type { ArrivalKind } from './arrival-kinds.ts';
import { pickControls } from './controls.ts';
import { ownOptions } from './derived.ts';
import {
  convertOption,
  type DefaultContext,
  envName,
  flagOf,
  OPTION_NAMES,
  type OptionName,
  type OptionValues,
  optionEntry,
} from './fields.ts';
import { readConfigFile } from './file.ts';
import { MAX_DURATION_MS, MAX_RATE } from './limits.ts';
import { describePool } from './question-pool.ts';
import { redactSecrets } from './redact.ts';
import { checkStartAt as startAtProblem } from './start-at.ts';
import { parseThreshold } from './thresholds.ts';
import {
  BUILTIN_SCENARIOS,
  type ProxySettings,
  type RunConfig,
  type Stage,
  type TlsSettings,
} from './types.ts';

export interface ConfigSources {
  /** Explicitly given flags, already converted (keys as in OPTIONS), plus `config`. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const DEFAULT_QUESTIONS = [
  'What is the capital of France?',
  'Explain Server-Sent Events in one paragraph.',
  'Write a haiku about load testing.',
  'Summarize the benefits of keep-alive connections.',
  'What does time to first token measure?',
  'List three ways to reduce tail latency.',
];

export { envName };

/** The options given as `STREAMLOAD_*` variables, converted (only `names`: a command's own share). */
export function optionsFromEnv(
  env: ConfigSources['env'],
  names: readonly OptionName[] = OPTION_NAMES,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of names) {
    const raw = env[envName(name)];
    if (raw === undefined || raw === '') continue;
    try {
      values[name] = convertOption(name, raw, envName(name));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return values;
}

type ContextOption = Exclude<keyof DefaultContext, 'given'> & OptionName;
/** The options DefaultContext exposes (every field but `given`: the `satisfies` makes the list exact). */
const CONTEXT_OPTIONS = Object.keys({
  scenario: 0,
  profile: 0,
  users: 0,
  iterations: 0,
  rate: 0,
  stages: 0,
  target: 0,
  protocol: 0,
} satisfies Record<Exclude<keyof DefaultContext, 'given'>, 0>) as ContextOption[];

/**
 * Every option's value: the given one, else its default from the table, a computed default
 * reading the other options it depends on (each resolved once, on first use).
 */
export function resolveOptions(given: Readonly<Record<string, unknown>>): OptionValues {
  const values = new Map<OptionName, unknown>();
  const value = <K extends OptionName>(name: K): OptionValues[K] => {
    if (!values.has(name)) {
      const { default: fallback } = optionEntry(name);
      const computed = () => (typeof fallback === 'function' ? fallback(context) : fallback);
      // A given value wins; a default is only computed (reading other options) when it applies.
      values.set(name, given[name] === undefined ? computed() : given[name]);
    }
    return values.get(name) as OptionValues[K];
  };
  // The options a computed default may read, each resolved on first read.
  const context = { given: (name: string) => given[name] !== undefined } as DefaultContext;
  for (const name of CONTEXT_OPTIONS) Object.defineProperty(context, name, { get: () => value(name) });
  // Each option once, by the table's own typing of `value`.
  return Object.fromEntries(OPTION_NAMES.map((name) => [name, value(name)])) as OptionValues;
}

function configFile(sources: ConfigSources): Record<string, unknown> {
  return typeof sources.flags.config === 'string'
    ? readConfigFile(resolvePath(sources.cwd, sources.flags.config))
    : {};
}

export function resolveRunConfig(sources: ConfigSources): RunConfig {
  const file = configFile(sources);
  const given: Record<string, unknown> = { ...file, ...optionsFromEnv(sources.env), ...sources.flags };
  const options = resolveOptions(given);

  const scenario = options.scenario;
  const isFile = !(BUILTIN_SCENARIOS as readonly string[]).includes(scenario);
  if (isFile && !/\.[cm]?[tj]s$/.test(scenario)) {
    throw new UsageError(
      `--scenario: "${scenario}" is neither a built-in (${BUILTIN_SCENARIOS.join(', ')}) nor a .ts/.js file`,
    );
  }
  const { iterations, rate, stages } = options;
  if (iterations !== null && rate !== null)
    throw new UsageError('--iterations and --rate cannot be combined (fixed work or open model, not both)');
  if (stages !== null) checkStageLimits(stages, rate !== null);
  checkWarmup(given, iterations, stages);
  checkArrivals(given, rate);
  checkStartAt(options.startAt);

  for (const expr of options.threshold) {
    const parsed = parseThreshold(expr);
    if (typeof parsed === 'string') throw new UsageError(`--threshold: ${parsed}`);
  }
  for (const expr of options.slo) {
    const parsed = parseObjective(expr);
    if (typeof parsed === 'string') throw new UsageError(`--slo: ${parsed}`);
  }

  return {
    ...ownOptions(options),
    apiKey: resolveApiKey(sources, apiKeyGiven(sources, file)?.given) ?? options.apiKey,
    scenario: isFile ? resolvePath(sources.cwd, scenario) : scenario,
    questions: loadQuestions(options.questions, sources.cwd),
    headers: requestHeaders(options.header),
    // The embedded targets are this machine's own child process: the environment's proxy is for
    // reaching real deployments, not them (an explicit --proxy still applies).
    proxy:
      options.target === null && typeof options.proxy !== 'string'
        ? null
        : resolveProxy(options.proxy, sources.env),
    tls: resolveTls(options, sources.cwd),
    controls: pickControls(options),
  };
}

/**
 * The first source, by precedence, that gives any of `names` (so a key and a key file from lower
 * sources never mix with it), named as the user wrote it: `--api-key-file`, `STREAMLOAD_API_KEY`,
 * `streamload.yml (config file)`.
 */
function sourceOf(
  sources: ConfigSources,
  file: Record<string, unknown>,
  names: readonly string[],
): { source: string; given: Record<string, unknown> } | undefined {
  const env = optionsFromEnv(sources.env);
  const given = (values: Record<string, unknown>) => names.find((name) => values[name] !== undefined);
  const flag = given(sources.flags);
  if (flag !== undefined) return { source: flagOf(flag), given: sources.flags };
  const fromEnv = given(env);
  if (fromEnv !== undefined) return { source: envName(fromEnv), given: env };
  if (given(file) !== undefined)
    return { source: `${String(sources.flags.config)} (config file)`, given: file };
  return undefined;
}

/** A key file before a key: within one source, `--api-key-file` is what gives the key. */
const API_KEY_OPTIONS = ['apiKeyFile', 'apiKey'];
const apiKeyGiven = (sources: ConfigSources, file: Record<string, unknown>) =>
  sourceOf(sources, file, API_KEY_OPTIONS);

/** Header names that carry a credential: named in the banner by source, never shown. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
]);

/**
 * Where each credential of the run came from when it was not typed on this command line, for the
 * banner (never a value): the API key, a credential header (`Authorization: …`), a client
 * certificate key, a proxy with user:password. One `what: from source` line each; a flag is what
 * the user just typed (and a failure before the load stays one line).
 */
export function credentialSources(sources: ConfigSources, config: RunConfig): string[] {
  const file = configFile(sources);
  const lines: string[] = [];
  const add = (what: string, names: readonly string[]) => {
    const found = sourceOf(sources, file, names);
    if (found !== undefined && found.given !== sources.flags) lines.push(`${what}: from ${found.source}`);
  };
  if (config.apiKey !== null) add('api key', API_KEY_OPTIONS);
  if (Object.keys(config.headers).some((name) => CREDENTIAL_HEADERS.has(name.toLowerCase())))
    add('credential header', ['header']);
  if (config.tls.key !== null) add('client certificate key', ['key']);
  const proxies = [config.proxy?.http, config.proxy?.https];
  if (proxies.some((url) => url !== null && url !== undefined && /^[a-z]+:\/\/[^/@]+@/i.test(url)))
    if (config.proxy?.source === 'env') lines.push('proxy credentials: from HTTP_PROXY/HTTPS_PROXY');
    else add('proxy credentials', ['proxy']);
  return lines;
}

/**
 * The API key of the source that gives one: its `apiKey`, or the first line of its
 * `apiKeyFile`. Both flags at once is an error.
 */
function resolveApiKey(sources: ConfigSources, given: Record<string, unknown> | undefined): string | null {
  if (given === undefined) return null;
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
function checkStartAt(startAt: number | null): void {
  const why = startAt === null ? null : startAtProblem(startAt, Date.now());
  if (why !== null) throw new UsageError(`--start-at: ${why}`);
}

/** `--warmup`: before a run time only (fixed work and stages have no steady part to wait for). */
function checkWarmup(
  given: Readonly<Record<string, unknown>>,
  iterations: number | null,
  stages: readonly Stage[] | null,
): void {
  if (given.warmup !== undefined && (iterations !== null || stages !== null))
    throw new UsageError(
      `--warmup: only with a run time, not with ${iterations !== null ? '--iterations' : '--stages'}`,
    );
}

/** `--arrival` and `--burstiness`: open model only (a burstiness alone means gamma arrivals: fields.ts). */
function checkArrivals(given: Readonly<Record<string, unknown>>, rate: number | null): void {
  const arrival = given.arrival as ArrivalKind | undefined;
  const burstiness = given.burstiness;
  const flag = arrival !== undefined ? '--arrival' : '--burstiness';
  if (rate === null && (arrival !== undefined || burstiness !== undefined))
    throw new UsageError(`${flag}: arrivals are spaced only in the open model (add --rate)`);
  if (burstiness !== undefined && arrival !== undefined && arrival !== 'gamma')
    throw new UsageError(`--burstiness: the gamma shape needs --arrival gamma, not ${arrival}`);
}

/** `User-Agent: streamload/<version>` unless a header overrides it; names lower-cased so they override the protocol's. */
function requestHeaders(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `streamload/${VERSION}` };
  for (const [name, value] of pairs) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * `--proxy URL` sends everything through URL; `--no-proxy` (false) goes direct; otherwise the
 * usual environment variables, the lower-case form first as curl and undici read them.
 * Also `setup`'s: one reading of the proxy options for every command that talks HTTP.
 */
export function resolveProxy(flag: unknown, env: ConfigSources['env']): ProxySettings | null {
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

/** `--ca`, `--cert`, `--key` (checked readable), `--insecure`, `--servername`; `run`'s and `setup`'s. */
export function resolveTls(
  options: Pick<OptionValues, 'ca' | 'cert' | 'key' | 'insecure' | 'servername'>,
  cwd: string,
): TlsSettings {
  const file = (key: 'ca' | 'cert' | 'key'): string | null => {
    const value = options[key];
    if (value === null) return null;
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
    insecure: options.insecure,
    servername: options.servername,
  };
  if ((tls.cert === null) !== (tls.key === null))
    throw new UsageError(
      `${tls.cert === null ? '--key' : '--cert'}: a client certificate needs both --cert FILE and --key FILE`,
    );
  return tls;
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

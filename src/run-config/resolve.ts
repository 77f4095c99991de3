/**
 * From what the user gave (flags, env, config file) to a RunConfig. Precedence, as k6 has it:
 * flags > `STREAMLOAD_*` env > config file > scenario and profile presets > defaults (an explicit
 * `STREAMLOAD_API_KEY` must not lose to the key in a `./streamload.yml` that setup left in the
 * folder). Every error names its source.
 */
import { X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { MAX_DURATION_MS, MAX_RATE } from '../config/limits.ts';
import { redactSecrets } from '../config/redact.ts';
import { type Env, optionsFromEnv, pickOptions } from '../config/resolve-options.ts';
import { parseProxyUrl, type Stage, ValueError } from '../config/units.ts';
import { pickControls } from '../controls/control-keys.ts';
import type { ArrivalKind } from '../engine/arrival-kinds.ts';
import { BUILTIN_SCENARIOS } from '../engine/scenario/options.ts';
import type { ProxySettings, TlsSettings } from '../engine/transport-options.ts';
import { UsageError } from '../errors.ts';
import { checkStartAt as startAtProblem } from '../segments/start-at.ts';
import { parseObjective } from '../slo/objectives.ts';
import { parseThreshold, type RunShape, unproducible } from '../slo/thresholds.ts';
import { VERSION } from '../version.ts';
import { ownOptions } from './derived.ts';
import {
  type DefaultContext,
  OPTION_NAMES,
  OPTIONS,
  type OptionName,
  type OptionValues,
  optionEntry,
} from './fields.ts';
import { embeddedKey, SCENARIO_PRESETS } from './presets.ts';
import { describePool } from './question-pool.ts';
import { apiKeyGiven, type ConfigSources, configFile } from './sources.ts';
import type { RecordedConfig, RunConfig } from './types.ts';

export const DEFAULT_QUESTIONS = [
  'What is the capital of France?',
  'Explain Server-Sent Events in one paragraph.',
  'Write a haiku about load testing.',
  'Summarize the benefits of keep-alive connections.',
  'What does time to first token measure?',
  'List three ways to reduce tail latency.',
];

type ContextOption = Exclude<keyof DefaultContext, 'given' | 'preset' | 'embeddedKey'> & OptionName;
/** The options DefaultContext exposes (every field but the derived ones: the `satisfies` makes the list exact). */
const CONTEXT_OPTIONS = Object.keys({
  scenario: 0,
  profile: 0,
  users: 0,
  iterations: 0,
  rate: 0,
  stages: 0,
  target: 0,
  protocol: 0,
} satisfies Record<ContextOption, 0>) as ContextOption[];

/** What a built-in scenario implies (own keys only: a scenario named `constructor` implies nothing). */
function presetOf(scenario: string): DefaultContext['preset'] {
  return Object.hasOwn(SCENARIO_PRESETS, scenario) ? SCENARIO_PRESETS[scenario] : undefined;
}

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
  Object.defineProperties(context, {
    preset: { get: () => presetOf(value('scenario')) },
    embeddedKey: { get: () => embeddedKey(value('protocol'), value('scenario')) },
  });
  // Each option once, by the table's own typing of `value`.
  return Object.fromEntries(OPTION_NAMES.map((name) => [name, value(name)])) as OptionValues;
}

export function resolveRunConfig(sources: ConfigSources): RunConfig {
  const file = configFile(sources);
  // flags > env > config file (k6's order): an explicit STREAMLOAD_API_KEY beats ./streamload.yml.
  const given: Record<string, unknown> = {
    ...file,
    ...optionsFromEnv(OPTIONS, sources.env),
    ...pickOptions(OPTIONS, sources.flags),
  };
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

  const shape: RunShape = {
    builtinScenario: isFile ? null : scenario,
    responseMode: options.responseMode,
    openModel: rate !== null,
    protocol: options.protocol,
  };
  for (const expr of options.threshold) {
    const parsed = parseThreshold(expr);
    if (typeof parsed === 'string') throw new UsageError(`--threshold: ${parsed}`);
    const never = unproducible(parsed, shape);
    if (never !== undefined) throw new UsageError(`--threshold: ${never}`);
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

/**
 * `User-Agent: streamload/<version>` unless a header overrides it; names lower-cased so they
 * override the protocol's. `Accept-Encoding: identity`: streams are parsed as they arrive, never
 * decompressed, so a server must not compress them (one that does anyway is named, not miscounted).
 */
function requestHeaders(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': `streamload/${VERSION}`,
    'accept-encoding': 'identity',
  };
  for (const [name, value] of pairs) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * `--proxy URL` sends everything through URL; `--no-proxy` (false) goes direct; otherwise the
 * usual environment variables, the lower-case form first as curl and undici read them.
 * Also `setup`'s: one reading of the proxy options for every command that talks HTTP.
 */
export function resolveProxy(flag: unknown, env: Env): ProxySettings | null {
  if (flag === false) return null;
  if (typeof flag === 'string') return { http: flag, https: flag, noProxy: '', source: 'flag' };
  const read = (name: string) => env[name.toLowerCase()] || env[name] || null;
  /** Read as the --proxy flag is (parseProxyUrl): `host:port` is http, as curl reads it. */
  const proxyUrl = (name: string): string | null => {
    const value = read(name);
    if (value === null) return null;
    try {
      return parseProxyUrl(value) || null;
    } catch (error) {
      if (error instanceof ValueError) throw new UsageError(`${name}: ${error.message} (or use --no-proxy)`);
      throw error;
    }
  };
  const http = proxyUrl('HTTP_PROXY');
  const https = proxyUrl('HTTPS_PROXY');
  if (http === null && https === null) return null;
  return { http, https, noProxy: read('NO_PROXY') ?? '', source: 'env' };
}

/**
 * Why a `--ca`/`--cert` (PEM certificates) or `--key` (a PEM private key) file cannot be one, or
 * null: a DER file or a wrong path would otherwise fail only at the first TLS handshake, unnamed.
 */
function pemProblem(key: 'ca' | 'cert' | 'key', text: string): string | null {
  if (key === 'key')
    return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
      ? null
      : 'is not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" line)';
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    return 'is not a PEM certificate file (no "-----BEGIN CERTIFICATE-----" line; a DER file converts with: openssl x509 -inform der -in FILE -out FILE.pem)';
  try {
    new X509Certificate(text);
  } catch (error) {
    return `holds no valid certificate (${(error as Error).message})`;
  }
  return null;
}

/** `--ca`, `--cert`, `--key` (checked readable and PEM), `--insecure`, `--servername`; `run`'s and `setup`'s. */
export function resolveTls(
  options: Pick<OptionValues, 'ca' | 'cert' | 'key' | 'insecure' | 'servername'>,
  cwd: string,
): TlsSettings {
  const file = (key: 'ca' | 'cert' | 'key'): string | null => {
    const value = options[key];
    if (value === null) return null;
    const path = resolvePath(cwd, value);
    let text: string;
    try {
      accessSync(path, constants.R_OK);
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`--${key}: cannot read ${value} (${(error as NodeJS.ErrnoException).code})`);
    }
    const problem = pemProblem(key, text);
    if (problem !== null) throw new UsageError(`--${key}: ${value} ${problem}`);
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
export function redactConfig(config: RunConfig): RecordedConfig {
  const { questions, ...rest } = config;
  // redactSecrets keeps every key and each value's shape (a secret string becomes `***`).
  return { ...(redactSecrets(rest) as Omit<RunConfig, 'questions'>), questions: describePool(questions) };
}

/**
 * Where a run's options come from (flags, `STREAMLOAD_*` env, a config file) and, for the banner,
 * which of them gave each credential (never its value).
 */
import { resolve as resolvePath } from 'node:path';
import { readConfigFile } from '../config/file.ts';
import type { OptionTable } from '../config/option.ts';
import { type Env, optionsFromEnv, pickOptions } from '../config/resolve-options.ts';
import { envName, flagOf, OPTIONS } from './fields.ts';
import type { RunConfig } from './types.ts';

export interface ConfigSources {
  /** Explicitly given flags, already converted (keys as in OPTIONS), plus `config`. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Env;
  readonly cwd: string;
  /** The command's own options besides the run's, which its config file may hold too (not resolved here). */
  readonly alsoInFile?: OptionTable;
}

/** The config file's options (`--config FILE`, or what the command found), read through the run's table. */
export function configFile(sources: ConfigSources): Record<string, unknown> {
  return typeof sources.flags.config === 'string'
    ? pickOptions(
        OPTIONS,
        readConfigFile(resolvePath(sources.cwd, sources.flags.config), { ...sources.alsoInFile, ...OPTIONS }),
      )
    : {};
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
  const env = optionsFromEnv(OPTIONS, sources.env);
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
export const apiKeyGiven = (sources: ConfigSources, file: Record<string, unknown>) =>
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

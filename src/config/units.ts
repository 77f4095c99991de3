/**
 * Every value parser in one place (durations, counts, rates, ports, URLs), shared by flags, config
 * files, env, the web form, scenario specs and the targets' own CLIs. The option-taking parsers return
 * a commander-style `(text) => value` that throws a UsageError naming the option.
 */
import { UsageError } from '../errors.ts';

/** Durations (one parser for flags, files and specs): `500ms`, `30s`, `5m`, `1h`, `1m30s`, or plain seconds. Returns milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (match === null) return undefined;
    total += Number(match[1]) * (units[match[2] as string] as number);
    rest = rest.slice(match[0].length);
  }
  return trimmed.length > 0 ? total : undefined;
}

export function nonNegativeNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${option}: expected a number ≥ 0, got "${text}"`);
    }
    return value;
  };
}

/** A whole number `min`..`max` written as digits only (no sign, exponent or fraction). */
export function integerIn(
  option: string,
  min: number,
  max: number,
  what = `an integer ${min}-${max}`,
): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max)
      throw new UsageError(`${option}: expected ${what}, got "${text}"`);
    return value;
  };
}

export function positiveInteger(option: string): (text: string) => number {
  return integerIn(option, 1, Number.POSITIVE_INFINITY, 'an integer ≥ 1');
}

export function nonNegativeInteger(option: string): (text: string) => number {
  return integerIn(option, 0, Number.POSITIVE_INFINITY, 'an integer ≥ 0');
}

/** A TCP port `min`..65535: 0 (the default minimum) asks the OS for a free one when listening. */
export function port(option: string, min = 0): (text: string) => number {
  return integerIn(option, min, 65535, `a port ${min}-65535`);
}

export function probability(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new UsageError(`${option}: expected a rate 0..1 or a percentage, got "${text}"`);
    }
    return value;
  };
}

export function duration(option: string): (text: string) => number {
  return (text) => {
    const ms = parseDurationMs(text);
    if (ms === undefined)
      throw new UsageError(`${option}: expected a duration like 30s, 5m or 500ms, got "${text}"`);
    return ms;
  };
}

/** An http(s) URL without credentials (they would be echoed and stored), trailing slashes removed. */
export function httpUrl(option: string): (text: string) => string {
  return (text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError(`${option}: expected an http(s) URL, got "${text}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`${option}: expected an http(s) URL, got "${text}"`);
    if (url.username !== '' || url.password !== '')
      throw new UsageError(`${option}: credentials in the URL are refused (they would be printed and saved)`);
    return text.replace(/\/+$/, '');
  };
}

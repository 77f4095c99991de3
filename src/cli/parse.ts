/** Option value parsers for commander: each throws a UsageError naming the option. */
import { parseDurationMs } from '../config/duration.ts';
import { UsageError } from '../errors.ts';

export { parseDurationMs };

export function nonNegativeNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${option}: expected a number ≥ 0, got "${text}"`);
    }
    return value;
  };
}

export function positiveInteger(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < 1)
      throw new UsageError(`${option}: expected an integer ≥ 1, got "${text}"`);
    return value;
  };
}

export function nonNegativeInteger(option: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim())) throw new UsageError(`${option}: expected an integer ≥ 0, got "${text}"`);
    return Number(text);
  };
}

export function port(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value > 65535)
      throw new UsageError(`${option}: expected a port 0-65535, got "${text}"`);
    return value;
  };
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

/** The client-side control options of a run, read from the option table's keys (flags, files, scenarios). */

import { convertOption, type OptionName, optionNamed } from '../run-config/fields.ts';
import type { ControlOptions } from './options.ts';

/** Option-table keys that configure the controls (ControlOptions' keys). */
export const CONTROL_KEYS = [
  'clientRate',
  'clientBurst',
  'maxConcurrency',
  'retry',
  'retryOn',
  'backoff',
  'jitter',
  'retryStreams',
  'circuitBreaker',
] as const satisfies readonly (keyof ControlOptions & OptionName)[];

/** Already converted values (resolved flags, files, env) → ControlOptions; absent keys are null. */
export function pickControls(given: Readonly<Record<string, unknown>>): ControlOptions {
  const options: Record<string, unknown> = {};
  for (const key of CONTROL_KEYS) options[key] = given[key] ?? null;
  return options as ControlOptions;
}

/**
 * A scenario's raw `controls` (strings or numbers as in a config file) → ControlOptions. Throws
 * an Error naming `where` and the key on a bad value or an unknown key.
 */
export function readControls(raw: Readonly<Record<string, unknown>>, where: string): ControlOptions {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = optionNamed(key);
    if (name === undefined || !(CONTROL_KEYS as readonly string[]).includes(name))
      throw new Error(`${where}: unknown control "${key}" (${CONTROL_KEYS.join(', ')})`);
    converted[name] = convertOption(name, value, `${where}.${key}`);
  }
  return pickControls(converted);
}

/** The client-side control options of a run, read from the controls' fragment (flags, files, scenarios). */

import { convert, optionIn } from '../config/option.ts';
import { CONTROL_OPTIONS, type ControlOptions } from './options.ts';

/** Option-table keys that configure the controls (ControlOptions' keys). */
export const CONTROL_KEYS = Object.keys(CONTROL_OPTIONS) as (keyof typeof CONTROL_OPTIONS)[];

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
    const name = optionIn(CONTROL_OPTIONS, key);
    if (name === undefined)
      throw new Error(`${where}: unknown control "${key}" (${CONTROL_KEYS.join(', ')})`);
    converted[name] = convert(CONTROL_OPTIONS[name], value, `${where}.${key}`);
  }
  return pickControls(converted);
}

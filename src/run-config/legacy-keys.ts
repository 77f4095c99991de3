/**
 * run.json files written before the option table named RunConfig's keys after the options
 * (streamload ≤ 0.1.0 wrote `runTimeMs`, `thresholds`, …): their `config` read with today's names,
 * so `report`, `compare` and `merge` keep working on them.
 */

import type { RecordedConfig } from './types.ts';

/** Old key → option name. The values kept their units (milliseconds, bytes, lists). */
const RENAMED: Readonly<Record<string, string>> = {
  runTimeMs: 'runTime',
  warmupMs: 'warmup',
  waitMs: 'wait',
  connectTimeoutMs: 'connectTimeout',
  firstByteTimeoutMs: 'firstByteTimeout',
  idleTimeoutMs: 'idleTimeout',
  stopTimeoutMs: 'stopTimeout',
  liveIntervalMs: 'liveInterval',
  maxBodyBytes: 'maxBodySize',
  thresholds: 'threshold',
  slos: 'slo',
  formats: 'format',
};

/** A run.json `config` with old keys renamed (a key present under both names keeps the new one). */
export function upgradeConfigKeys(config: Readonly<Record<string, unknown>>): RecordedConfig {
  const upgraded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const name = RENAMED[key] ?? key;
    if (name === key || !Object.hasOwn(config, name)) upgraded[name] = value;
  }
  // The values kept their shapes; run.schema.json (checked by report/load.ts) holds them to the table's.
  return upgraded as RecordedConfig;
}

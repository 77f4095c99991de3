/** Where a run happened: the test-environment section of every report. */
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { redactUrl } from '../config/redact.ts';
import { VERSION } from '../version.ts';
import type { RunEnvironment } from './types.ts';

export function currentEnvironment(target: string): RunEnvironment {
  const cpuList = cpus();
  return {
    hostname: hostname(),
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    streamload: VERSION,
    // Printed in every report: no userinfo, even if one slipped past the config check.
    target: redactUrl(target),
  };
}

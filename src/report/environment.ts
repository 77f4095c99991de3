/** Where a run happened: the test-environment section of every report. */
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { redactUrl } from '../config/redact.ts';
import { proxyFor } from '../engine/proxy.ts';
import type { RunConfig } from '../run-config/types.ts';
import { VERSION } from '../version.ts';
import type { RunEnvironment } from './types.ts';

/** How the generator reached `target`: proxy (redacted), TLS choices, HTTP/2 offered. */
export function transportEnvironment(
  target: string,
  config: Pick<RunConfig, 'proxy' | 'tls' | 'http2'>,
): Pick<RunEnvironment, 'proxy' | 'tls' | 'http2'> {
  const proxy = proxyFor(config.proxy, target);
  return {
    proxy:
      proxy === null
        ? null
        : `${redactUrl(proxy)} (${config.proxy?.source === 'env' ? 'HTTP(S)_PROXY' : '--proxy'})`,
    tls: {
      insecure: config.tls.insecure,
      caFile: config.tls.ca,
      clientCertificate: config.tls.cert,
      servername: config.tls.servername,
    },
    http2: config.http2,
  };
}

export function currentEnvironment(
  target: string,
  config?: Pick<RunConfig, 'proxy' | 'tls' | 'http2'>,
): RunEnvironment {
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
    ...(config === undefined ? {} : transportEnvironment(target, config)),
  };
}

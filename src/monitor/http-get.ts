/**
 * One bounded GET for the monitor's sources (a Docker engine over its unix socket, a Prometheus
 * endpoint): a deadline for the whole answer and a cap on its size, so a slow or huge answer costs
 * a failed sample, never a stuck or bloated run.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface GetOptions {
  /** Connect through this unix socket (the Docker engine); the URL's host is then ignored. */
  readonly socketPath?: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface GetAnswer {
  readonly status: number;
  readonly body: string;
}

export function boundedGet(url: string, options: GetOptions): Promise<GetAnswer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'GET',
        headers: { accept: 'text/plain, application/json', 'user-agent': 'streamload-monitor' },
        ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy(new Error(`answer larger than ${options.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end();
  });
}

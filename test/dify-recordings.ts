/**
 * The recorded answers of a real Dify 1.13.2 (`test/fixtures/dify-1.13/`, see its README): read
 * apart into status, headers in order and body bytes, and replayed from a plain node:http server.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { closeServer, listenLocal } from './cli/helpers.ts';

export const RECORDINGS = new URL('./fixtures/dify-1.13/', import.meta.url);

export interface Recording {
  readonly status: number;
  readonly reason: string;
  /** Header lines as sent, in order: [name, value]. */
  readonly headers: readonly (readonly [string, string])[];
  /** The body as received (a chunked body de-chunked). */
  readonly body: Buffer;
}

export function readRecording(name: string): Recording {
  const bytes = readFileSync(new URL(name, RECORDINGS));
  const end = bytes.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const [, status = '0', reason = ''] = /^HTTP\/1\.1 (\d+) (.*)$/.exec(statusLine) ?? [];
  return {
    status: Number(status),
    reason,
    headers: lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
    }),
    body: bytes.subarray(end + 4),
  };
}

/** The `data:` payloads of a recorded (or served) stream, parsed, in order; the ping is not one. */
export function streamEvents(body: Buffer | string): Record<string, unknown>[] {
  return String(body)
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
}

/**
 * Serves `recording` byte for byte to every request: the recorded status and headers (Date and
 * all), its first frame at once (the ping of a stream), the rest `afterFirstMs` later.
 */
export async function replayServer(
  recording: (request: number) => Recording,
  afterFirstMs: number,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const answer = recording(requests++);
    req.resume();
    res.writeHead(answer.status, answer.reason, answer.headers.flat() as string[]);
    const split = answer.body.indexOf('\n\n');
    if (split < 0 || afterFirstMs === 0) return void res.end(answer.body);
    res.write(answer.body.subarray(0, split + 2));
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.end(answer.body.subarray(split + 2));
    }, afterFirstMs);
    timers.add(timer);
  });
  return {
    url: await listenLocal(server),
    requests: () => requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}

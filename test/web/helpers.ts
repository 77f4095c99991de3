/** Starts the real `streamload web` (or `run --web`) CLI and finds the UI's URL in its output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'undici';
import { MAIN, tempDir } from '../cli/helpers.ts';

export interface WebCli {
  readonly url: string;
  readonly child: ChildProcess;
  /** The working directory (default report folders land under it). */
  readonly cwd: string;
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

const URL_LINE = /web UI: (http:\/\/\S+?)\/?(\s|$)/;

export function startWebCli(args: readonly string[], timeoutMs = 15_000): Promise<WebCli> {
  const cwd = tempDir();
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void exited.then(() => clearTimeout(kill));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no web UI URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const match = URL_LINE.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        url: match[1] as string,
        child,
        cwd,
        output: () => output,
        exited,
        stop: () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`web CLI exited with ${code} before serving:\n${output}`));
    });
  });
}

/** A POST as the page makes it (same Origin), returning status and JSON body. */
export async function postJson(
  base: string,
  path: string,
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  // undici's request, not fetch: fetch may treat Origin as a forbidden header.
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

/** Polls GET /api/view until `done(view)` holds (bounded). */
export async function waitForView(
  base: string,
  done: (view: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = (await (await fetch(`${base}/api/view`)).json()) as Record<string, unknown>;
    if (done(view)) return view;
    if (Date.now() > until) {
      throw new Error(`view did not reach the expected state: ${JSON.stringify(view).slice(0, 400)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

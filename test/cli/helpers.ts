/** Runs the real CLI as a child process and collects what a user would see. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunJson } from '../../src/report/types.ts';
import type { MockLlmOptions } from '../../src/targets/mock-llm/options.ts';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { BUILTIN_APPS } from '../../src/targets/workflow-server/builtin-apps.ts';
import {
  startWorkflowServer,
  type WorkflowServer,
  type WorkflowServerOptions,
} from '../../src/targets/workflow-server/server.ts';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `--json-summary` object (last stdout line), when present. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep, loosely typed fields of the summary JSON
  summary?: Record<string, any>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'streamload-test-'));
}

export function runCli(
  args: readonly string[],
  options: {
    timeoutMs?: number;
    onSpawn?: (child: import('node:child_process').ChildProcess) => void;
    env?: Record<string, string>;
    cwd?: string;
    /** Run this program with `args` instead of the CLI (e.g. `sh -c '…; exec node main.ts "$@"'`). */
    command?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command ?? process.execPath, options.command ? args : [MAIN, ...args], {
      env: { ...process.env, ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\n${stderr}`));
    }, options.timeoutMs ?? 15_000);
    options.onSpawn?.(child);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      // biome-ignore lint/suspicious/noExplicitAny: see CliResult.summary
      let summary: Record<string, any> | undefined;
      try {
        summary = last.startsWith('{') ? JSON.parse(last) : undefined;
      } catch {
        summary = undefined;
      }
      resolve({ code, stdout, stderr, ...(summary === undefined ? {} : { summary }) });
    });
  });
}

export function readRun(dir: string): RunJson {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;
}

/** Listens on 127.0.0.1 at a free port; resolves with the origin. */
export function listenLocal(server: import('node:net').Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  );
}

/** Stops a server listening; resolves once it has. */
export function closeServer(server: import('node:net').Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A mock LLM on 127.0.0.1 for the length of `body`, closed whatever `body` does. */
export async function withMockLlm<T>(
  options: MockLlmOptions,
  body: (llm: MockLlm) => Promise<T>,
): Promise<T> {
  const llm = await startMockLlm(options);
  try {
    return await body(llm);
  } finally {
    await llm.close();
  }
}

export interface WorkflowTarget {
  readonly llm: MockLlm;
  readonly server: WorkflowServer;
  close(): Promise<void>;
}

/**
 * The reference workflow server (the built-in apps unless `server` names others; `console` serves
 * the console API `setup` drives) and the mock LLM its LLM nodes call, both on 127.0.0.1.
 */
export async function startWorkflowTarget(
  llmOptions: MockLlmOptions,
  server: Partial<Omit<WorkflowServerOptions, 'llmUrl'>> = {},
): Promise<WorkflowTarget> {
  const llm = await startMockLlm({ port: 0, ...llmOptions });
  const started = await startWorkflowServer({ port: 0, apps: BUILTIN_APPS, ...server, llmUrl: llm.url });
  return {
    llm,
    server: started,
    async close() {
      await started.close();
      await llm.close();
    },
  };
}

/**
 * Calls `act` `delayMs` after the CLI printed its `load:` line (stdout or stderr): signal tests must
 * not race the setup (preflight, embedded targets) on a loaded machine.
 */
export function afterLoadStarts(
  child: import('node:child_process').ChildProcess,
  delayMs: number,
  act: () => void,
): void {
  let seen = '';
  const watch = (d: Buffer) => {
    seen += String(d);
    // At a line start: every `streamload: …` notice contains "load: " too.
    if (!/(?:^|\n)load: /.test(seen)) return;
    child.stdout?.off('data', watch);
    child.stderr?.off('data', watch);
    setTimeout(act, delayMs);
  };
  child.stdout?.on('data', watch);
  child.stderr?.on('data', watch);
}

/**
 * The absolute path of a system program (nginx, tinyproxy, ip, openssl): PATH first, then the sbin
 * folders Debian installs daemons in, which a non-login or non-root PATH often lacks. The bare name
 * when nowhere (the spawn then fails with ENOENT naming it).
 */
export function systemCommand(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return name;
}

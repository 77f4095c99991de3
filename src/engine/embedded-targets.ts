/**
 * No `--target`: the embedded workflow server (with its mock LLM) runs in a CHILD process, so the
 * targets never share the generator's event loop and cannot distort its measurements.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface EmbeddedTargets {
  /** The Dify-compatible workflow server. */
  readonly workflowUrl: string;
  /** The OpenAI-compatible mock LLM it uses. */
  readonly llmUrl: string;
  /**
   * Called once if the child dies before `close()`: "embedded target exited (code 1)" or
   * "(signal SIGKILL)". Every request after that would be a connection_error of our own making.
   */
  onExit(listener: (description: string) => void): void;
  close(): Promise<void>;
}

const READY = /workflow server listening on (\S+) \(LLM: embedded mock at (\S+)\)/;

/** `cli`: the script of this program's CLI (GlobalState.selfEntry), run as `serve workflow` in a child. */
export function startEmbeddedTargets(
  cli: string,
  extraArgs: readonly string[] = [],
  timeoutMs = 15_000,
): Promise<EmbeddedTargets> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'serve', 'workflow', '--port', '0', ...extraArgs],
    // The IPC channel is the child's lifeline: when this process dies, even by SIGKILL, the
    // channel closes and the child exits (serveUntilSignal) instead of listening on forever.
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let output = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded targets did not start within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded targets exited with code ${code}: ${stderr.trim()}`));
    });
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const match = READY.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      let closing = false;
      const exitListeners: ((description: string) => void)[] = [];
      child.once('exit', (code, signal) => {
        if (closing) return;
        const how = signal === null ? `code ${code}` : `signal ${signal}`;
        for (const listener of exitListeners) listener(`embedded target exited (${how})`);
      });
      resolve({
        workflowUrl: match[1] as string,
        llmUrl: match[2] as string,
        onExit: (listener) => exitListeners.push(listener),
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

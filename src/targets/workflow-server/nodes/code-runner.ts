/**
 * Runs Code nodes. JavaScript: a small pool of worker threads (heap limit per worker, a time
 * limit per run; a worker that overruns is terminated and replaced). Python: only when the
 * operator allows it, one `python3` process per run with an address-space limit and a timeout.
 * Every result is bounded in size; a busy pool refuses instead of queueing without end.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { type CodeRunner, NodeError } from './types.ts';

export interface CodeLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Largest JSON result accepted. */
  readonly maxOutputBytes: number;
  /** JavaScript workers running at once. */
  readonly workers: number;
  /** Runs waiting for a worker before new ones are refused. */
  readonly maxQueue: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimits = {
  timeoutMs: 5000,
  memoryMb: 64,
  maxOutputBytes: 1024 * 1024,
  workers: 2,
  maxQueue: 1000,
};

const WORKER_URL = new URL(
  `./code-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

interface Pending {
  readonly resolve: (value: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

export function createCodeRunner(limits: CodeLimits = DEFAULT_CODE_LIMITS): CodeRunner {
  const slots: Slot[] = [];
  const queue: (() => void)[] = [];
  let nextId = 0;
  let closed = false;

  function spawnSlot(): Slot {
    const worker = new Worker(WORKER_URL, {
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: limits.memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.floor(limits.memoryMb / 4)),
        stackSizeMb: 4,
      },
    });
    worker.unref();
    const slot: Slot = { worker, busy: null };
    // Whatever ends a worker (heap limit, termination) fails its run and frees its place.
    const gone = (reason: string) => {
      const index = slots.indexOf(slot);
      if (index !== -1) slots.splice(index, 1);
      slot.busy?.reject(new NodeError(reason));
      slot.busy = null;
      queue.shift()?.();
    };
    worker.on('error', (error) =>
      gone(
        (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `code exceeded its ${limits.memoryMb} MB memory limit`
          : `code failed: ${error.message}`,
      ),
    );
    worker.on('exit', () => gone('code worker exited'));
    slots.push(slot);
    return slot;
  }

  function freeSlot(): Slot | undefined {
    const idle = slots.find((s) => s.busy === null);
    if (idle !== undefined) return idle;
    return slots.length < limits.workers ? spawnSlot() : undefined;
  }

  async function javascript(code: string, inputs: Record<string, unknown>, signal: AbortSignal) {
    if (closed) throw new NodeError('code runner closed');
    let slot = freeSlot();
    if (slot === undefined) {
      if (queue.length >= limits.maxQueue)
        throw new NodeError('code runner busy: too many code runs waiting');
      await new Promise<void>((resolve) => queue.push(resolve));
      slot = freeSlot();
      if (slot === undefined) throw new NodeError('code runner busy');
    }
    const running = slot;
    const id = ++nextId;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        running.busy?.reject(new NodeError(`code ran past its ${limits.timeoutMs} ms time limit`));
        running.busy = null;
        void running.worker.terminate();
      }, limits.timeoutMs + 1000);
      const stop = () => {
        running.busy?.reject(new NodeError('stopped by user'));
        running.busy = null;
        void running.worker.terminate();
      };
      signal.addEventListener('abort', stop, { once: true });
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', stop);
      };
      running.busy = {
        resolve: (v) => {
          settle();
          resolve(v);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      const onMessage = (message: { id: number; ok: boolean; json?: string; error?: string }) => {
        if (message.id !== id) return;
        running.worker.off('message', onMessage);
        const pending = running.busy;
        running.busy = null;
        queue.shift()?.();
        if (pending === null) return;
        if (!message.ok) return pending.reject(new NodeError(`code failed: ${message.error}`));
        pending.resolve(parseResult(message.json ?? '', limits.maxOutputBytes));
      };
      running.worker.on('message', onMessage);
      running.worker.postMessage({ id, code, inputs: JSON.stringify(inputs), timeoutMs: limits.timeoutMs });
    });
  }

  function python(code: string, inputs: Record<string, unknown>, signal: AbortSignal) {
    return runPython(code, inputs, signal, limits);
  }

  return {
    javascript,
    python,
    close: async () => {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

function parseResult(json: string, maxBytes: number): Record<string, unknown> {
  if (Buffer.byteLength(json) > maxBytes) throw new NodeError(`code output is larger than ${maxBytes} bytes`);
  return JSON.parse(json) as Record<string, unknown>;
}

/** Reads the code and inputs from stdin, runs `main(**inputs)`, prints its result as JSON. */
const PYTHON_RUNNER = `
import json, resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
job = json.loads(sys.stdin.read())
scope = {}
exec(job["code"], scope)
out = scope["main"](**job["inputs"])
if not isinstance(out, dict):
    raise TypeError("main must return a dict")
sys.stdout.write(json.dumps(out))
`;

function runPython(
  code: string,
  inputs: Record<string, unknown>,
  signal: AbortSignal,
  limits: CodeLimits,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // Python needs more address space than a JavaScript heap to start at all.
    const child = spawn('python3', ['-I', '-c', PYTHON_RUNNER, String(Math.max(limits.memoryMb, 256))], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {},
      timeout: limits.timeoutMs,
      signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length <= limits.maxOutputBytes) stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', (error) => reject(new NodeError(`python3 failed: ${error.message}`)));
    child.on('close', (status, killed) => {
      if (status !== 0) {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        return reject(
          new NodeError(
            killed === 'SIGTERM'
              ? `code ran past its ${limits.timeoutMs} ms time limit`
              : `code failed: ${last}`,
          ),
        );
      }
      try {
        resolve(parseResult(stdout, limits.maxOutputBytes));
      } catch (error) {
        reject(error instanceof NodeError ? error : new NodeError('code output is not JSON'));
      }
    });
    child.stdin.end(JSON.stringify({ code, inputs }));
  });
}

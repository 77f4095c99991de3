/**
 * A Code node's JavaScript runs here, in a worker thread with its own heap limit, inside a bare vm
 * context (no `process`, `require` or host objects) with a time limit. Inputs and outputs cross
 * as JSON text, so no object of this thread leaks into the code's context.
 */

import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';

interface Job {
  readonly id: number;
  readonly code: string;
  readonly inputs: string;
  readonly timeoutMs: number;
}

parentPort?.on('message', (job: Job) => {
  try {
    const context = vm.createContext(Object.create(null), {
      codeGeneration: { strings: false, wasm: false },
    });
    context.__inputs = job.inputs;
    const json = vm.runInContext(
      `${job.code}\n;(() => {\n  if (typeof main !== 'function') throw new Error('the code defines no main function');\n  const out = main(JSON.parse(__inputs));\n  if (out === null || typeof out !== 'object' || typeof out.then === 'function' || Array.isArray(out))\n    throw new Error('main must return an object');\n  return JSON.stringify(out);\n})()`,
      context,
      { timeout: job.timeoutMs, filename: 'code-node.js' },
    ) as string;
    parentPort?.postMessage({ id: job.id, ok: true, json });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, ok: false, error: String((error as Error)?.message ?? error) });
  }
});

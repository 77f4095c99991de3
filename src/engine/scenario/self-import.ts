/**
 * `import { defineScenario } from 'streamload'` in a scenario file anywhere on disk resolves to
 * the copy of streamload that is running it — a source checkout (src/index.ts, no build needed) or
 * an installed package (dist/index.js) — the way k6 provides its own modules to scripts. A
 * synchronous resolve hook (node:module registerHooks) registered once, before the first scenario
 * file is imported; every other specifier resolves as usual.
 */
import { registerHooks } from 'node:module';

const PACKAGE = 'streamload';
/** This file is src/engine/scenario/self-import.ts or dist/engine/scenario/self-import.js. */
const ENTRY = new URL(`../../index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

let registered = false;

export function provideSelfImport(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === PACKAGE) return { url: ENTRY, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

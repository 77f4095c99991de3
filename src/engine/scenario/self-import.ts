/**
 * `import { defineScenario } from 'streamload'` in a scenario file anywhere on disk resolves to
 * the copy of streamload that is running it — a source checkout (src/index.ts, no build needed) or
 * an installed package (dist/index.js) — the way k6 provides its own modules to scripts. A
 * synchronous resolve hook (node:module registerHooks) registered once, before the first scenario
 * file is imported; every other specifier resolves as usual. Which file that is, the entry points
 * say (setPackageEntry: the CLI's, or index.ts of itself): this layer names no path above it.
 */
import { registerHooks } from 'node:module';

const PACKAGE = 'streamload';
let entry: string | undefined;
let registered = false;

/** The URL of the package's entry (src/index.ts or dist/index.js); the first one given stays. */
export function setPackageEntry(url: string): void {
  entry ??= url;
}

export function provideSelfImport(): void {
  if (registered || entry === undefined) return;
  registered = true;
  const url = entry;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === PACKAGE) return { url, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

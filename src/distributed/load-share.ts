/**
 * Where a worker gets its `startShare`: the engine's (engine-share.ts) unless a module path is
 * given (tests fork children with a synthetic share). Loaded lazily so `--help` stays fast.
 */
import { pathToFileURL } from 'node:url';
import type { StartShare } from './types.ts';

// The built output runs engine-share.js beside this file; the sources run engine-share.ts.
const ENGINE_SHARE = new URL(
  `./engine-share${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
).href;

export async function loadStartShare(modulePath?: string): Promise<StartShare> {
  const specifier = modulePath === undefined ? ENGINE_SHARE : pathToFileURL(modulePath).href;
  const loaded = (await import(specifier)) as { startShare?: StartShare };
  if (typeof loaded.startShare !== 'function') throw new Error(`${specifier} does not export startShare`);
  return loaded.startShare;
}

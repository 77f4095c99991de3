/**
 * The program's own entry points, as paths found from here (the top layer): what a child process
 * runs and what a scenario file's `import 'streamload'` resolves to. The layers below never name
 * a path above themselves; they are handed these (GlobalState.selfEntry, setPackageEntry).
 */
import { fileURLToPath } from 'node:url';

/** `.ts` in a source checkout (run by Node's type stripping), `.js` in the built package. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The CLI's main script: `node <it> serve workflow …` starts the embedded targets. */
export const CLI_MAIN = fileURLToPath(new URL(`./main${EXT}`, import.meta.url));

/** A `--processes N` child's entry. */
export const PROCESS_CHILD = fileURLToPath(new URL(`./process-child${EXT}`, import.meta.url));

/** The package's programmatic API (src/index.ts beside cli/, in the same top layer). */
export const PACKAGE_ENTRY = new URL(`../index${EXT}`, import.meta.url).href;

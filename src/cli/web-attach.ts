/** `--web` on a command-line run (`run`, `master`): serve the live UI and /metrics while it lasts. */
import type { GlobalState, Output } from '../global-state.ts';
import type { RunObserver } from '../session/run-session.ts';
import { resolveOwnOptions } from './command-options.ts';

export async function withWebUi(
  flags: Readonly<Record<string, unknown>>,
  state: GlobalState,
  log: Output,
  run: (observer?: RunObserver) => Promise<number>,
): Promise<number> {
  if (flags.web !== true) return run();
  const { WEB_OPTIONS, webOptionsOf } = await import('../web/options.ts');
  const { OPTIONS } = await import('../run-config/fields.ts');
  const { WebController } = await import('../web/controller.ts');
  const { startWebServer } = await import('../web/server.ts');
  const webOptions = webOptionsOf(resolveOwnOptions(WEB_OPTIONS, flags, state, OPTIONS));
  const controller = new WebController({ baseFlags: flags, env: state.env, cwd: state.cwd });
  const server = await startWebServer(controller, webOptions);
  log.write(`web UI: ${server.url}\n`);
  try {
    return await run(controller);
  } finally {
    await server.close();
  }
}

/** The built-in scenarios as ordinary scenario definitions over the run's protocol. */

import { defineScenario, type ScenarioDefinition } from './define.ts';
import type { BuiltinScenario } from './options.ts';

/** `burst` fires this many requests at once (concurrently), then the user waits as usual. */
export const BURST_SIZE = 3;

export function builtinScenario(name: BuiltinScenario): ScenarioDefinition {
  if (name === 'burst') {
    return defineScenario({
      users: [
        {
          name: 'burst',
          tasks: [
            {
              name: 'burst',
              async run(ctx) {
                // At once, as the classic suite does: a spike of concurrent streams per user.
                await Promise.all(Array.from({ length: BURST_SIZE }, () => ctx.sse()));
              },
            },
          ],
        },
      ],
    });
  }
  return defineScenario({ users: [{ name, tasks: [{ name, run: (ctx) => ctx.sse() }] }] });
}

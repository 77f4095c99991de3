/** The built-in scenarios as ordinary scenario definitions over the run's protocol. */
import type { BuiltinScenario } from '../../config/types.ts';
import { defineScenario, type ScenarioDefinition } from './define.ts';

/** `burst` sends this many requests back to back, without waiting. */
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
                for (let i = 0; i < BURST_SIZE; i++) await ctx.sse();
              },
            },
          ],
        },
      ],
    });
  }
  return defineScenario({ users: [{ name, tasks: [{ name, run: (ctx) => ctx.sse() }] }] });
}

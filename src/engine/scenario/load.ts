/** Loads a scenario: a built-in by name, or a TypeScript/JavaScript file by dynamic import. */
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../cli/errors.ts';
import { BUILTIN_SCENARIOS, type BuiltinScenario } from '../../config/types.ts';
import { builtinScenario } from './builtin.ts';
import type { ScenarioDefinition } from './define.ts';

export async function loadScenario(nameOrFile: string): Promise<ScenarioDefinition> {
  if ((BUILTIN_SCENARIOS as readonly string[]).includes(nameOrFile))
    return builtinScenario(nameOrFile as BuiltinScenario);
  let module: { default?: unknown; scenario?: unknown };
  try {
    module = await import(pathToFileURL(nameOrFile).href);
  } catch (error) {
    throw new UsageError(`--scenario: cannot load ${nameOrFile}: ${(error as Error).message.split('\n')[0]}`);
  }
  const definition = (module.default ?? module.scenario) as ScenarioDefinition | undefined;
  if (definition === undefined || !Array.isArray(definition.users)) {
    throw new UsageError(`--scenario: ${nameOrFile} must \`export default defineScenario({...})\``);
  }
  return definition;
}

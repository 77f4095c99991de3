/** Loads a scenario: a built-in by name, or a TypeScript/JavaScript file by dynamic import. */
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../errors.ts';
import { describeThrown } from '../../util/thrown.ts';
import { builtinScenario } from './builtin.ts';
import type { ScenarioDefinition } from './define.ts';
import { BUILTIN_SCENARIOS, type BuiltinScenario } from './options.ts';
import { provideSelfImport } from './self-import.ts';
import { selectUsers, type UserSelection } from './user-classes.ts';
import { scenarioProblems } from './validate.ts';

export async function loadScenario(nameOrFile: string): Promise<ScenarioDefinition> {
  if ((BUILTIN_SCENARIOS as readonly string[]).includes(nameOrFile))
    return builtinScenario(nameOrFile as BuiltinScenario);
  let module: { default?: unknown; scenario?: unknown };
  provideSelfImport();
  try {
    module = await import(pathToFileURL(nameOrFile).href);
  } catch (error) {
    throw new UsageError(`--scenario: cannot load ${nameOrFile}: ${describeThrown(error).split('\n')[0]}`);
  }
  const definition = module.default ?? module.scenario;
  if (definition === undefined) {
    throw new UsageError(`--scenario: ${nameOrFile} must \`export default defineScenario({...})\``);
  }
  const problems = scenarioProblems(definition);
  if (problems.length > 0) throw new UsageError(`--scenario: ${nameOrFile}: ${problems.join('; ')}`);
  return definition as ScenarioDefinition;
}

/**
 * The scenario a run plays: loaded, then narrowed to the classes and tasks the run chose
 * (`--user-class`, `--tags`, `--exclude-tags`); a name the file lacks is a usage error.
 */
export async function loadRunScenario(
  config: UserSelection & { readonly scenario: string },
): Promise<ScenarioDefinition> {
  return selectUsers(await loadScenario(config.scenario), config);
}

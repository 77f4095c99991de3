/**
 * What a profile or a built-in scenario implies for other options when they are not given
 * (PRODUCT.md's classic suites): read by the contextual defaults of the option table.
 */
import type { ProtocolName, ResponseMode } from '../protocols/names.ts';

/** The classic suites' presets (PRODUCT.md): concurrency and a fixed number of requests. */
export const PROFILES = {
  light: { users: 10, iterations: 100 },
  normal: { users: 100, iterations: 1000 },
  heavy: { users: 500, iterations: 5000 },
  stress: { users: 1000, iterations: 10_000 },
} as const;
export const PROFILE_NAMES = [
  'light',
  'normal',
  'heavy',
  'stress',
] as const satisfies readonly (keyof typeof PROFILES)[];
export type ProfileName = keyof typeof PROFILES;

export const SCENARIO_PRESETS: Readonly<
  Record<string, { readonly protocol?: ProtocolName; readonly responseMode?: ResponseMode }>
> = {
  stream: { responseMode: 'streaming' },
  burst: { responseMode: 'streaming' },
  blocking: { responseMode: 'blocking' },
  'empty-qps': { protocol: 'workflow', responseMode: 'blocking' },
  llm: { protocol: 'workflow', responseMode: 'streaming' },
  'chat-completions': { protocol: 'openai', responseMode: 'streaming' },
};

/** The documented keys of the embedded workflow server's built-in apps. */
export function embeddedKey(protocol: ProtocolName, scenario: string): string | null {
  if (protocol === 'chat') return 'app-chat';
  if (protocol === 'workflow') return scenario === 'empty-qps' ? 'app-empty' : 'app-llm';
  return null;
}

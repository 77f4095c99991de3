/**
 * What a built-in scenario implies for other options when they are not given: read by the
 * contextual defaults of the option table (resolve.ts hands them to the protocol options).
 */
import type { ProtocolName, ResponseMode } from '../protocols/names.ts';

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

/**
 * The protocols a run can speak, once: `--protocol`'s accepted values and help, the config's type
 * and `getProtocol`'s table all come from this list (a new protocol is added here first). In config/
 * because the option table names them; src/protocols/ implements them.
 */
export const PROTOCOLS = ['workflow', 'chat', 'openai', 'sse'] as const;

export type ProtocolName = (typeof PROTOCOLS)[number];

/** `--response-mode`: how the target answers (protocols/ read it to build requests). */
export type ResponseMode = 'streaming' | 'blocking';

/**
 * The protocols a run can speak, once: `--protocol`'s accepted values and help, the config's type
 * and `getProtocol`'s table all come from this list (a new protocol is added here first).
 */
export const PROTOCOLS = ['workflow', 'chat', 'openai', 'openai-responses', 'anthropic', 'sse'] as const;

export type ProtocolName = (typeof PROTOCOLS)[number];

/** `--response-mode`: how the target answers (protocols/ read it to build requests). */
export const RESPONSE_MODES = ['streaming', 'blocking'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** The model an openai request names when `--model` is not given. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** What an anthropic request names when `--model` gives none. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

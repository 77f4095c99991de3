/**
 * Writes events in the event-stream format. The targets write only through here, so they can
 * never emit what the parser would split differently: `event` and `id` must not contain CR or LF,
 * and multi-line data becomes one `data:` line per line.
 */
export interface OutgoingEvent {
  readonly event?: string;
  readonly data: string;
  readonly id?: string;
  readonly retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

export function encodeSseEvent(e: OutgoingEvent): string {
  let out = '';
  if (e.event !== undefined) out += `event: ${checkSingleLine('event', e.event)}\n`;
  if (e.id !== undefined) out += `id: ${checkSingleLine('id', e.id)}\n`;
  if (e.retry !== undefined) out += `retry: ${Math.trunc(e.retry)}\n`;
  // Fast path: JSON payloads are one line.
  if (!LINE_BREAK.test(e.data)) return `${out}data: ${e.data}\n\n`;
  for (const line of e.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: ignored by parsers, used as a keep-alive. */
export function encodeSseComment(text = ''): string {
  return `: ${checkSingleLine('comment', text)}\n\n`;
}

function checkSingleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new TypeError(`SSE ${field} must not contain CR or LF`);
  return value;
}

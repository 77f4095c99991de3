/** A message for anything code may throw: an Error, a string, `undefined`, an object… */
const SAMPLE_CHARS = 200;

export function describeThrown(thrown: unknown): string {
  let text: string;
  if (thrown instanceof Error) text = thrown.message === '' ? thrown.name : thrown.message;
  else {
    try {
      text = typeof thrown === 'string' ? thrown : String(thrown);
    } catch {
      text = Object.prototype.toString.call(thrown);
    }
  }
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

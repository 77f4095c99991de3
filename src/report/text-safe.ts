/**
 * Text from servers and scenario code (error samples, node titles, request names, warnings) is
 * printed on terminals and into summary.txt / report.md. A raw ESC[2K erases a line of the
 * console, an OSC sequence retitles the terminal, a bidi override reorders what a reviewer reads:
 * every text output passes through escapeControl, which shows such characters as `\x1b`, `\u202e`.
 * (report.html is HTML-escaped; JSON and CSV carry the text as data.)
 */

// C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with control characters written out visibly; those in `keep` (e.g. '\n') stay as they are. */
export function escapeControl(text: string, keep = ''): string {
  return text.replace(CONTROL, (c) => {
    if (keep.includes(c)) return c;
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A whole rendered text (several lines of our own): everything escaped but its line breaks. */
export function escapeLines(text: string): string {
  return escapeControl(text, '\n');
}

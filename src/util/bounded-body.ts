/**
 * Reads at most `maxBytes` of a response body and drops the rest: an error page is read for its
 * message, and a hostile or broken server answering 400 MB must not cost 400 MB (issue 29 M2).
 */
export interface BoundedText {
  readonly text: string;
  /** The body was longer than `maxBytes`: `text` is its head, the rest was not read. */
  readonly truncated: boolean;
}

interface Body extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export async function readBoundedText(body: Body, maxBytes: number): Promise<BoundedText> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes + buffer.length > maxBytes) {
      chunks.push(buffer.subarray(0, maxBytes - bytes));
      truncated = true;
      break;
    }
    chunks.push(buffer);
    bytes += buffer.length;
  }
  if (truncated) {
    body.on('error', () => {});
    body.destroy();
  }
  // A multi-byte character cut at the limit decodes as U+FFFD: only the head's message matters.
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { encodeSseEvent } from '../../sse/encoder.ts';
import { listen } from '../../util/http-server.ts';
import { createLlmClient } from './llm-client.ts';

test('the LLM stream is not read on while the caller says its client lags (drained)', async () => {
  let authorization: string | undefined;
  const server = createServer((req, res) => {
    authorization = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(encodeSseEvent({ data: JSON.stringify({ choices: [{ delta: { content: 'a' } }] }) }));
    // The rest comes later, so the client has read (and offered to wait) at least once before it.
    setTimeout(() => {
      res.write(encodeSseEvent({ data: JSON.stringify({ choices: [{ delta: { content: 'b' } }] }) }));
      res.end(encodeSseEvent({ data: '[DONE]' }));
    }, 50);
  });
  const port = await listen(server, 0, '127.0.0.1');
  const llm = createLlmClient(`http://127.0.0.1:${port}`, 'k');
  try {
    let release: () => void = () => {};
    let waits = 0;
    const seen: string[] = [];
    let firstText: () => void = () => {};
    const first = new Promise<void>((resolve) => (firstText = resolve));
    const result = llm.complete({
      model: 'm',
      messages: [{ role: 'user', content: 'q' }],
      params: {},
      signal: AbortSignal.timeout(30_000),
      onText: (text) => {
        seen.push(text);
        firstText();
      },
      drained: () => {
        waits++;
        return waits === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
      },
    });
    await first;
    // Generous: the second chunk is sent 50 ms after the first; give it far longer to (not) be read.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(seen, ['a'], 'nothing read past the lag');
    release();
    assert.equal((await result).text, 'ab');
    assert.equal(authorization, 'Bearer k');
  } finally {
    await llm.close();
    server.close();
  }
});

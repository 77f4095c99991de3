import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readBoundedText } from './bounded-body.ts';

test('reads a short body whole', async () => {
  const body = Readable.from([Buffer.from('hello '), Buffer.from('world')]);
  assert.deepEqual(await readBoundedText(body, 100), { text: 'hello world', truncated: false });
});

test('stops at maxBytes and destroys the rest of a body that never ends', async () => {
  let produced = 0;
  const endless = new Readable({
    read() {
      produced += 1;
      this.push(Buffer.alloc(1024, 'x'));
    },
  });
  const { text, truncated } = await readBoundedText(endless, 5000);
  assert.equal(text.length, 5000);
  assert.equal(truncated, true);
  assert.ok(endless.destroyed);
  assert.ok(produced < 100, `read ${produced} chunks`);
});

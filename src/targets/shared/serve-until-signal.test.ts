import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryState } from '../../global-state.ts';
import { type ParentChannel, serveUntilSignal } from './serve-until-signal.ts';

/** A parent channel the test closes by hand; counts its listeners and releases. */
function fakeParent() {
  const listeners = new Set<() => void>();
  let released = 0;
  const channel: ParentChannel = {
    onClose(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    release: () => {
      released++;
    },
  };
  return {
    channel,
    close: () => {
      for (const listener of [...listeners]) listener();
    },
    get listeners() {
      return listeners.size;
    },
    get released() {
      return released;
    },
  };
}

/** serveUntilSignal over a memory state and a fake parent, counting closes. */
function serve() {
  const state = memoryState();
  const parent = fakeParent();
  const counts = { closed: 0 };
  const serving = serveUntilSignal(
    async () => {
      counts.closed++;
    },
    { stdout: state.stdout, onStopSignal: state.onStopSignal, parent: parent.channel },
  );
  return { state, parent, counts, serving };
}

test('a stop signal closes the server once and lets go of the parent channel', async () => {
  const { state, parent, counts, serving } = serve();
  state.signal('SIGTERM');
  state.signal('SIGINT');
  await serving;
  assert.equal(counts.closed, 1);
  assert.equal(parent.released, 1);
  assert.equal(parent.listeners, 0, 'no listener left on the channel');
});

test('the parent channel closing (the parent died) closes the server too', async () => {
  const { state, parent, counts, serving } = serve();
  parent.close();
  await serving;
  state.signal('SIGTERM');
  assert.equal(counts.closed, 1, 'the signal listener went with the first stop');
});

test('without a parent only a signal stops it; a failing close still resolves', async () => {
  const state = memoryState();
  const serving = serveUntilSignal(() => Promise.reject(new Error('already closed')), {
    stdout: state.stdout,
    onStopSignal: state.onStopSignal,
    parent: undefined,
  });
  state.signal('SIGHUP');
  await serving;
});

/** Test helper: two linked in-memory transports, for coordinator and worker tests without sockets. */
import type { Transport } from './link.ts';
import type { Message } from './protocol.ts';

interface End {
  data: ((data: unknown) => void)[];
  end: ((reason: string) => void)[];
}

export function createMemoryPair(): [Transport, Transport] {
  const ends: [End, End] = [
    { data: [], end: [] },
    { data: [], end: [] },
  ];
  let open = true;
  const side = (own: End, peer: End): Transport => ({
    send(message: Message) {
      if (!open) throw new Error('memory link closed');
      // Through JSON and a macrotask, like a real pipe: no shared objects, no re-entrancy; what
      // was sent before end() still arrives, as on a socket.
      const text = JSON.stringify(message);
      setImmediate(() => {
        for (const listener of peer.data) listener(text);
      });
    },
    onData(listener) {
      own.data.push(listener);
    },
    onEnd(listener) {
      own.end.push(listener);
    },
    end() {
      if (!open) return;
      open = false;
      setImmediate(() => {
        for (const listener of peer.end) listener('peer closed');
        for (const listener of own.end) listener('closed');
      });
    },
  });
  return [side(ends[0], ends[1]), side(ends[1], ends[0])];
}

/**
 * A message link over a transport (master and worker over a WebSocket; a `--processes` child over
 * its IPC channel; in tests, memory): parses and validates messages and closes once, with one
 * reason. Between master and worker it sends a heartbeat every second and declares the peer lost
 * when nothing (message or heartbeat) arrived for `timeoutMs`; a child's link has none (`heartbeatMs:
 * 0`): its parent sees its exit, and it sees the channel close.
 */
import type { WebSocket } from 'ws';
import { type Message, parseMessage } from './protocol.ts';

/**
 * Why a link closed: the peer went away (`closed`), sent a message that failed validation
 * (`invalid`), or the master refused this worker's token (`refused`). A worker exits 2 on the last two.
 */
export type CloseCause = 'closed' | 'invalid' | 'refused';

/** WebSocket close code of a master refusing a worker's token (4000-4999: private use). */
export const AUTH_REFUSED_CODE = 4401;

/** The raw pipe under a link. */
export interface Transport {
  send(message: Message): void;
  onData(listener: (data: unknown) => void): void;
  /** The pipe ended (peer closed, process exited): called at most once by the link. */
  onEnd(listener: (reason: string, cause?: CloseCause) => void): void;
  end(): void;
}

export interface Link {
  /** For notices: "worker 2 (host/pid)". */
  label: string;
  send(message: Message): void;
  /** Every message but heartbeats. */
  onMessage(listener: (message: Message) => void): void;
  /** Once: the peer closed, vanished, missed heartbeats, or `close()` was called. */
  onClose(listener: (reason: string, cause: CloseCause) => void): void;
  readonly closed: boolean;
  close(reason?: string): void;
}

export interface LinkOptions {
  /** Default 1 s; 0: no heartbeats and no silence timeout. */
  readonly heartbeatMs?: number;
  /** Silence after which the peer counts as lost (default 3 s). */
  readonly timeoutMs?: number;
}

export function createLink(transport: Transport, label: string, options: LinkOptions = {}): Link {
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const messageListeners: ((message: Message) => void)[] = [];
  const closeListeners: ((reason: string, cause: CloseCause) => void)[] = [];
  let closed = false;
  let lastHeardMs = performance.now();

  const finish = (reason: string, cause: CloseCause = 'closed'): void => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    transport.end();
    for (const listener of closeListeners) listener(reason, cause);
  };
  const beat = (): void => {
    const silentMs = performance.now() - lastHeardMs;
    if (silentMs > timeoutMs) finish(`no message or heartbeat for ${(silentMs / 1000).toFixed(1)} s`);
    else safeSend({ type: 'heartbeat', sentAtMs: Date.now() });
  };
  // A heartbeat timer alone must not keep a finished process alive.
  const timer = heartbeatMs > 0 ? setInterval(beat, heartbeatMs).unref() : undefined;

  const safeSend = (message: Message): void => {
    if (closed) return;
    try {
      transport.send(message);
    } catch (err) {
      finish(`send failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  transport.onData((data) => {
    if (closed) return;
    lastHeardMs = performance.now();
    let message: Message;
    try {
      message = parseMessage(data);
    } catch (err) {
      finish(err instanceof Error ? err.message : String(err), 'invalid');
      return;
    }
    if (message.type === 'heartbeat') return;
    for (const listener of messageListeners) listener(message);
  });
  transport.onEnd((reason, cause) => finish(reason, cause));

  return {
    label,
    send: safeSend,
    onMessage(listener) {
      messageListeners.push(listener);
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    get closed() {
      return closed;
    },
    close(reason = 'closed') {
      finish(reason);
    },
  };
}

/**
 * JSON text frames over a `ws` socket. `first`: a message already read off the socket (the hello
 * the master checked before creating the link), delivered before any later one.
 */
export function webSocketTransport(socket: WebSocket, first?: string): Transport {
  return {
    send(message) {
      socket.send(JSON.stringify(message));
    },
    onData(listener) {
      // A microtask: the link's owner registers its message listener right after creating it.
      if (first !== undefined) queueMicrotask(() => listener(first));
      socket.on('message', (data, isBinary) => listener(isBinary ? null : data.toString()));
    },
    onEnd(listener) {
      socket.on('close', (code, reason) =>
        listener(
          `connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`,
          code === AUTH_REFUSED_CODE ? 'refused' : 'closed',
        ),
      );
      socket.on('error', (err) => listener(`connection error: ${err.message}`));
    },
    end() {
      // terminate, not close: a lost peer would never answer the closing handshake.
      if (socket.readyState === socket.OPEN) socket.close(1000);
      setTimeout(() => socket.terminate(), 1000).unref();
    },
  };
}

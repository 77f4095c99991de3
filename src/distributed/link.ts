/**
 * A message link between master and worker over any transport (WebSocket, child-process IPC):
 * parses and validates messages, sends a heartbeat every second and declares the peer lost when
 * nothing (message or heartbeat) arrived for `timeoutMs`. Closes once, with one reason.
 */
import type { ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';
import { type Message, parseMessage } from './protocol.ts';

/** The raw pipe under a link. */
export interface Transport {
  send(message: Message): void;
  onData(listener: (data: unknown) => void): void;
  /** The pipe ended (peer closed, process exited): called at most once by the link. */
  onEnd(listener: (reason: string) => void): void;
  end(): void;
}

export interface Link {
  /** For notices: "worker 2 (host/pid)". */
  label: string;
  send(message: Message): void;
  /** Every message but heartbeats. */
  onMessage(listener: (message: Message) => void): void;
  /** Once: the peer closed, vanished, missed heartbeats, or `close()` was called. */
  onClose(listener: (reason: string) => void): void;
  readonly closed: boolean;
  close(reason?: string): void;
}

export interface LinkOptions {
  readonly heartbeatMs?: number;
  /** Silence after which the peer counts as lost (default 3 s). */
  readonly timeoutMs?: number;
}

export function createLink(transport: Transport, label: string, options: LinkOptions = {}): Link {
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const messageListeners: ((message: Message) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  let closed = false;
  let lastHeardMs = performance.now();

  const finish = (reason: string): void => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    transport.end();
    for (const listener of closeListeners) listener(reason);
  };
  const timer = setInterval(() => {
    const silentMs = performance.now() - lastHeardMs;
    if (silentMs > timeoutMs) {
      finish(`no message or heartbeat for ${(silentMs / 1000).toFixed(1)} s`);
      return;
    }
    safeSend({ type: 'heartbeat', sentAtMs: Date.now() });
  }, heartbeatMs);
  // A heartbeat timer alone must not keep a finished process alive.
  timer.unref();

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
      finish(err instanceof Error ? err.message : String(err));
      return;
    }
    if (message.type === 'heartbeat') return;
    for (const listener of messageListeners) listener(message);
  });
  transport.onEnd((reason) => finish(reason));

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

/** JSON text frames over a `ws` socket. */
export function webSocketTransport(socket: WebSocket): Transport {
  return {
    send(message) {
      socket.send(JSON.stringify(message));
    },
    onData(listener) {
      socket.on('message', (data, isBinary) => listener(isBinary ? null : data.toString()));
    },
    onEnd(listener) {
      socket.on('close', (code, reason) =>
        listener(`connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`),
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

/** The parent's side of a forked child's IPC channel. */
export function childTransport(child: ChildProcess): Transport {
  return {
    send(message) {
      if (child.connected) child.send(message);
    },
    onData(listener) {
      child.on('message', listener);
    },
    onEnd(listener) {
      child.on('exit', (code, signal) => listener(`process exited (${signal ?? `code ${code}`})`));
      // A dying child drops its channel just before 'exit': wait a moment so the notice names the
      // exit (SIGKILL, code 1) rather than the bare disconnect.
      child.on('disconnect', () => setTimeout(() => listener('IPC channel closed'), 300).unref());
    },
    end() {
      if (child.connected) child.disconnect();
    },
  };
}

/** A forked child's side of its IPC channel to the parent. */
export function parentTransport(): Transport {
  return {
    send(message) {
      if (process.send === undefined || !process.connected) throw new Error('no IPC channel to the parent');
      process.send(message);
    },
    onData(listener) {
      process.on('message', listener);
    },
    onEnd(listener) {
      process.on('disconnect', () => listener('parent closed the IPC channel'));
    },
    end() {
      if (process.connected) process.disconnect();
    },
  };
}

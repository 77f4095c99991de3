/** A worker played by the test over a real WebSocket: the hostile peer of the master's tests. */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../src/distributed/protocol.ts';
import { VERSION } from '../../src/version.ts';

/** Joins the master on 127.0.0.1:`port` (with `token` when given) and resolves once it has its share. */
export async function joinAsWorker(port: string, host: string, token?: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  socket.on('error', () => {});
  await once(socket, 'open');
  const hello = { type: 'hello', protocol: PROTOCOL_VERSION, version: VERSION, host, pid: 1 };
  socket.send(JSON.stringify(token === undefined ? hello : { ...hello, token }));
  // A master that closes first (refused, or ended) must fail the join, not leave it waiting.
  const closed = once(socket, 'close').then(() => {
    throw new Error('the master closed the connection before the assign');
  });
  closed.catch(() => {});
  for (let i = 0; i < 10; i++) {
    const [data] = await Promise.race([once(socket, 'message'), closed]);
    if (JSON.parse(String(data)).type === 'assign') break;
  }
  return socket;
}

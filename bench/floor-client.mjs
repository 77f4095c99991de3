/**
 * The floor client of `npm run bench:engine`: the least a Node client can do against an SSE
 * target — raw `http.request` with keep-alive, count `\n\n`, nothing else. Plain JavaScript on
 * purpose: it loads nothing but node:http, so its whole-process CPU (start-up included) is the
 * floor the real CLI is held to.
 *
 *   node bench/floor-client.mjs PORT STREAMS SECONDS QUERY   → prints {"events":N} on stdout
 */
import http from 'node:http';

const [port, streams, seconds, query] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(streams) });
let events = 0;

const one = () =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: Number(port), path: `/?${query}`, agent }, (res) => {
      res.on('data', (chunk) => {
        let at = chunk.indexOf('\n\n');
        while (at !== -1) {
          events++;
          at = chunk.indexOf('\n\n', at + 2);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });

const endAt = performance.now() + Number(seconds) * 1000;
const loop = async () => {
  do await one();
  while (performance.now() < endAt);
};
await Promise.all(Array.from({ length: Number(streams) }, loop));
agent.destroy();
process.stdout.write(`${JSON.stringify({ events })}\n`);

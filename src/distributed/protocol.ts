/**
 * The scale-out messages: `streamload master`/`worker` over WebSocket, and the few a
 * `--processes N` parent and its children exchange over IPC (ready, assign, snapshot, stop, bye: a
 * parent needs no hello or heartbeat from its own children, only to know when each has loaded). One versioned, discriminated union: a new
 * message or a changed field bumps PROTOCOL_VERSION, and a worker speaking another version (or
 * another streamload VERSION, since shares carry engine config) is refused at hello.
 *
 * Master and worker: worker → hello (with the master token: ws-auth.ts checks it before the
 * coordinator sees anything); master → welcome | refuse; master → assign (config with the common
 * `startAt`, share) when the run starts; worker → snapshot every second (cumulative, history rows
 * after the last sent second); both → heartbeat every second; master → stop; worker → bye (its
 * status and warnings) with its final snapshot sent just before.
 */

import type { Snapshot } from '../metrics/snapshot.ts';
import { snapshotProblem } from '../metrics/snapshot-check.ts';
import type { Share } from '../segments/shares.ts';

// 2: hello carries the master token. 3: bye carries the share's status and warnings. 4: no reshare.
// 5: ready (a --processes child has loaded the engine).
export const PROTOCOL_VERSION = 5;

/**
 * Largest message a peer accepts after the hello (WebSocket `maxPayload`). The largest message is a
 * snapshot: cumulative histograms (~3 KB each encoded; 55 KB for a 6-endpoint run, measured with
 * src/metrics/test-workload.ts) plus only the history rows not sent before (~0.9 KB per second), so
 * 16 MiB fits thousands of endpoints. Before the hello, far less is accepted (ws-auth.ts).
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface Hello {
  readonly type: 'hello';
  readonly protocol: number;
  /** streamload VERSION of the worker. */
  readonly version: string;
  /** Host name and pid, for notices ("worker host-a/1234 lost"). */
  readonly host: string;
  readonly pid: number;
  /** The master token (`--master-token`), over WebSocket; absent over IPC and on a token-less master. */
  readonly token?: string;
}

export interface Welcome {
  readonly type: 'welcome';
  readonly protocol: number;
  readonly version: string;
  /** The id the master knows this worker by. */
  readonly workerId: string;
}

export interface Refuse {
  readonly type: 'refuse';
  /** One line the worker prints before exiting 2. */
  readonly reason: string;
}

export interface Assign {
  readonly type: 'assign';
  /** The resolved run configuration (plain JSON); the worker applies `share` to it. */
  readonly config: Record<string, unknown>;
  readonly share: Share;
}

/** A `--processes` child has loaded the engine: once all have, the parent sets the common start. */
export interface Ready {
  readonly type: 'ready';
}

export interface SnapshotMessage {
  readonly type: 'snapshot';
  /** Cumulative state; `history` holds only rows after the previously sent snapshot's last second. */
  readonly snapshot: Snapshot;
}

export interface Heartbeat {
  readonly type: 'heartbeat';
  readonly sentAtMs: number;
}

export interface Stop {
  readonly type: 'stop';
  /** graceful: in-flight streams finish (or hit the stop timeout); abort: cut now. */
  readonly mode: 'graceful' | 'abort';
}

/** How a run (or one worker's share) ended: run.json's `status`. */
export type RunStatus = 'completed' | 'stopped' | 'aborted';
export const RUN_STATUSES: readonly RunStatus[] = ['completed', 'stopped', 'aborted'];

/** Most warnings one bye may carry: a worker's list is short and deduplicated (run.ts warnings()). */
export const MAX_BYE_WARNINGS = 1000;

export interface Bye {
  readonly type: 'bye';
  /** done: the share ran to its end (its final snapshot was sent just before); error: it failed. */
  readonly reason: 'done' | 'error';
  readonly message?: string;
  /** With `done`: how the share ended (stopped: by the run's stop, or by the worker's own signal). */
  readonly status?: RunStatus;
  /** With `done`: the share's warnings (saturation, caps, transport…), merged by the master. */
  readonly warnings?: readonly string[];
}

export type WorkerMessage = Hello | Ready | SnapshotMessage | Heartbeat | Bye;
export type MasterMessage = Welcome | Refuse | Assign | Heartbeat | Stop;
export type Message = WorkerMessage | MasterMessage;

type Check = (value: Record<string, unknown>) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isAmount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** Names, hosts, reasons and warnings: short lines; a peer's megabyte string is refused. */
const MAX_TEXT_CHARS = 64 * 1024;
const isText = (v: unknown): boolean => typeof v === 'string' && v.length <= MAX_TEXT_CHARS;
const TEXT = `a string of at most ${MAX_TEXT_CHARS} characters`;

/** The first field of `value` failing its test, as "field must be …", or null. */
function fields(value: Record<string, unknown>, tests: Record<string, [(v: unknown) => boolean, string]>) {
  for (const [field, [test, what]] of Object.entries(tests)) {
    if (!test(value[field])) return `${field} must be ${what}`;
  }
  return null;
}

function shareProblem(share: unknown): string | null {
  if (!isObject(share)) return 'share must be an object';
  const problem = fields(share, {
    index: [isCount, 'a whole number ≥ 0'],
    of: [(v) => isCount(v) && (v as number) >= 1, 'a whole number ≥ 1'],
    users: [isCount, 'a whole number ≥ 0'],
    spawnRate: [isAmount, 'a number ≥ 0'],
    rate: [(v) => v === null || isAmount(v), 'null or a number ≥ 0'],
    iterations: [(v) => v === null || isCount(v), 'null or a whole number ≥ 0'],
  });
  if (problem !== null) return `share.${problem}`;
  return (share.index as number) < (share.of as number) ? null : 'share.index must be below share.of';
}

/** What each message must carry; every message received goes through its check. */
const CHECKS: { readonly [K in Message['type']]: Check } = {
  hello: (m) =>
    fields(m, {
      protocol: [isCount, 'a whole number'],
      version: [isText, TEXT],
      host: [isText, TEXT],
      pid: [isCount, 'a whole number'],
      token: [(v) => v === undefined || isText(v), TEXT],
    }),
  welcome: (m) =>
    fields(m, {
      protocol: [isCount, 'a whole number'],
      version: [isText, TEXT],
      workerId: [isText, TEXT],
    }),
  refuse: (m) => fields(m, { reason: [isText, TEXT] }),
  ready: () => null,
  assign: (m) => (isObject(m.config) ? shareProblem(m.share) : 'config must be an object'),
  // Every field, histograms decoded: a bad one must drop its sender, not crash the merge later.
  snapshot: (m) => {
    const problem = snapshotProblem(m.snapshot);
    return problem === null ? null : `snapshot.${problem}`;
  },
  heartbeat: (m) => fields(m, { sentAtMs: [isAmount, 'a number'] }),
  stop: (m) => fields(m, { mode: [(v) => v === 'graceful' || v === 'abort', 'graceful or abort'] }),
  bye: (m) =>
    fields(m, {
      reason: [(v) => v === 'done' || v === 'error', 'done or error'],
      message: [(v) => v === undefined || isText(v), TEXT],
      status: [
        (v) => v === undefined || RUN_STATUSES.includes(v as RunStatus),
        'completed, stopped or aborted',
      ],
      warnings: [
        (v) => v === undefined || (Array.isArray(v) && v.length <= MAX_BYE_WARNINGS && v.every(isText)),
        `a list of at most ${MAX_BYE_WARNINGS} strings`,
      ],
    }),
};

/** A message that is not JSON, has no known type, or a field of the wrong shape. */
export class ProtocolError extends Error {}

/** Validates a received message (JSON text or an IPC object), every field; throws ProtocolError. */
export function parseMessage(data: unknown): Message {
  let value: unknown = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      throw new ProtocolError('protocol: a message that is not JSON');
    }
  }
  if (!isObject(value) || typeof value.type !== 'string') {
    throw new ProtocolError('protocol: a message without a type');
  }
  const check = Object.hasOwn(CHECKS, value.type) ? CHECKS[value.type as Message['type']] : undefined;
  if (check === undefined)
    throw new ProtocolError(`protocol: unknown message type ${JSON.stringify(value.type.slice(0, 40))}`);
  const problem = check(value);
  if (problem !== null) throw new ProtocolError(`protocol: ${value.type} message: ${problem}`);
  return value as unknown as Message;
}

/** Why a hello cannot be accepted, or null when the peer speaks our protocol and version. */
export function helloMismatch(
  peer: { readonly protocol: number; readonly version: string },
  own: { readonly protocol: number; readonly version: string },
): string | null {
  if (peer.protocol !== own.protocol || peer.version !== own.version) {
    return (
      `version mismatch: peer runs streamload ${peer.version} (protocol ${peer.protocol}), ` +
      `this side runs ${own.version} (protocol ${own.protocol}); run the same streamload version on master and workers`
    );
  }
  return null;
}

/** For exhaustive switches over a message union. */
export function unexpected(message: never): never {
  throw new Error(`protocol: unexpected message ${JSON.stringify(message)}`);
}

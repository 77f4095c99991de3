/**
 * The master/worker wire protocol, shared by `--processes N` (IPC to child processes) and
 * `streamload master`/`worker` (WebSocket). One versioned, discriminated union: a new message or
 * a changed field bumps PROTOCOL_VERSION, and a peer speaking another version (or another
 * streamload VERSION, since shares carry engine config) is refused at hello.
 *
 * Flow: worker → hello; master → welcome | refuse; master → assign (config + share) when the run
 * starts (or at once for a late worker); worker → snapshot every second (cumulative, history rows
 * after the last sent second); both → heartbeat every second; master → reshare | stop; worker →
 * bye with its final snapshot sent just before.
 */
import type { Snapshot } from '../metrics/snapshot.ts';
import type { Share } from './shares.ts';

export const PROTOCOL_VERSION = 1;

export interface Hello {
  readonly type: 'hello';
  readonly protocol: number;
  /** streamload VERSION of the worker. */
  readonly version: string;
  /** Host name and pid, for notices ("worker host-a/1234 lost"). */
  readonly host: string;
  readonly pid: number;
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

/** A new share for a running worker (rebalance after a late join): only `users` may change live. */
export interface Reshare {
  readonly type: 'reshare';
  readonly share: Share;
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

export interface Bye {
  readonly type: 'bye';
  /** done: the share ran to its end (its final snapshot was sent just before); error: it failed. */
  readonly reason: 'done' | 'error';
  readonly message?: string;
}

export type WorkerMessage = Hello | SnapshotMessage | Heartbeat | Bye;
export type MasterMessage = Welcome | Refuse | Assign | Reshare | Heartbeat | Stop;
export type Message = WorkerMessage | MasterMessage;

const REQUIRED: { readonly [K in Message['type']]: readonly string[] } = {
  hello: ['protocol', 'version', 'host', 'pid'],
  welcome: ['protocol', 'version', 'workerId'],
  refuse: ['reason'],
  assign: ['config', 'share'],
  reshare: ['share'],
  snapshot: ['snapshot'],
  heartbeat: ['sentAtMs'],
  stop: ['mode'],
  bye: ['reason'],
};

/** Validates the envelope of a received message (JSON text or an IPC object); throws on anything else. */
export function parseMessage(data: unknown): Message {
  const value: unknown = typeof data === 'string' ? JSON.parse(data) : data;
  if (typeof value !== 'object' || value === null || !('type' in value) || typeof value.type !== 'string') {
    throw new Error('protocol: a message without a type');
  }
  const required = Object.hasOwn(REQUIRED, value.type) ? REQUIRED[value.type as Message['type']] : undefined;
  if (required === undefined) throw new Error(`protocol: unknown message type ${JSON.stringify(value.type)}`);
  for (const field of required) {
    if (!(field in value)) throw new Error(`protocol: ${value.type} message without ${field}`);
  }
  return value as Message;
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

/**
 * The recorder's named, long-lived (wasm) histograms: created on first use, encoded for snapshots
 * with a cache (an unchanged histogram is not re-encoded every second), freed together.
 */
import { createLiveHistogram, encodeHistogram, type Histogram } from './histogram.ts';

export interface LiveSlot {
  readonly histogram: Histogram;
  /** Encoding cache: valid while the histogram still holds `encodedCount` values. */
  encoded: string | null;
  encodedCount: number;
}

export interface LiveHistograms {
  /** The named slot, created on first use. */
  slot(name: string): LiveSlot;
  /** A slot outside the named set (per-entry, per-second, generator), freed with the others. */
  unnamed(): LiveSlot;
  /** Encoded histograms of every named slot holding samples. */
  encodeAll(): Record<string, string>;
  /** Zeroes every histogram (keeps their memory). */
  resetAll(): void;
  /** Frees everything; safe to call twice. */
  destroy(): void;
}

/** The encoded histogram, re-encoded only when values were recorded since the last call. */
export function encodeSlot(slot: LiveSlot): string {
  const count = slot.histogram.totalCount;
  if (slot.encoded === null || slot.encodedCount !== count) {
    slot.encoded = encodeHistogram(slot.histogram);
    slot.encodedCount = count;
  }
  return slot.encoded;
}

export function resetSlot(slot: LiveSlot): void {
  slot.histogram.reset();
  slot.encoded = null;
  slot.encodedCount = 0;
}

function newSlot(): LiveSlot {
  return { histogram: createLiveHistogram(), encoded: null, encodedCount: 0 };
}

export function createLiveHistograms(): LiveHistograms {
  const named = new Map<string, LiveSlot>();
  const unnamed: LiveSlot[] = [];
  const destroyAll = (slots: Iterable<LiveSlot>): void => {
    for (const s of slots) s.histogram.destroy();
  };
  return {
    slot(name) {
      let s = named.get(name);
      if (s === undefined) {
        s = newSlot();
        named.set(name, s);
      }
      return s;
    },
    unnamed() {
      const s = newSlot();
      unnamed.push(s);
      return s;
    },
    encodeAll() {
      const out: Record<string, string> = {};
      for (const [name, s] of named) if (s.histogram.totalCount > 0) out[name] = encodeSlot(s);
      return out;
    },
    resetAll() {
      for (const s of named.values()) resetSlot(s);
      for (const s of unnamed) resetSlot(s);
    },
    destroy() {
      destroyAll(named.values());
      destroyAll(unnamed);
      named.clear();
      unnamed.length = 0;
    },
  };
}

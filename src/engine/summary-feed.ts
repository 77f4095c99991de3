/**
 * The once-a-second summary behind `RunHandle.onTick`: summarized once per tick however many
 * listeners there are (console, web UI, progress), and not at all while nobody listens, since a
 * summary decodes every histogram (~5 ms warm, `npm run bench:metrics`) on the generator's loop.
 */
import type { Snapshot } from '../metrics/snapshot.ts';
import { summarize } from '../metrics/summary.ts';
import type { MetricsSummary } from '../metrics/types.ts';

export interface SummaryFeed {
  /** Adds a listener; returns its unsubscribe. */
  subscribe(listener: (summary: MetricsSummary) => void): () => void;
  /** Summarizes the snapshot (taken only if someone listens) and hands it to every listener. */
  publish(snapshot: () => Snapshot): void;
}

export function createSummaryFeed(): SummaryFeed {
  const listeners = new Set<(summary: MetricsSummary) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(snapshot) {
      if (listeners.size === 0) return;
      const summary = summarize(snapshot());
      for (const listener of listeners) listener(summary);
    },
  };
}

/** The metrics core: record on the hot path, snapshot, merge across processes, summarize. */

export {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  type HistogramUnit,
  histogramStats,
  mergeEncoded,
  recordCount,
  recordMs,
  statsFromEncoded,
  toMicros,
  unitOf,
} from './histogram.ts';
export { FULL_ROW_MIN_SPAN_MS, mergeHistories, rateStats, type SnapshotRow } from './history.ts';
export { createSnapshotMerger, type SnapshotMerger } from './merger.ts';
export * from './names.ts';
export { createRecorder } from './recorder.ts';
export type * from './recorder-api.ts';
export {
  mergeSnapshots,
  SNAPSHOT_SCHEMA,
  type Snapshot,
  type SnapshotConnections,
  type SnapshotEntry,
  type SnapshotGenerator,
  type SnapshotTotals,
} from './snapshot.ts';
export { AGGREGATED, encodedHistograms, summarize } from './summary.ts';
export type * from './types.ts';

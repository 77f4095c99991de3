/**
 * The recorder's per-second latency histograms: TTFE and request duration (their p50/p95 are every
 * history row's), TTFT, TPOT and inter-event (`compare`'s block bootstrap resamples seconds), each
 * encoded into its row at the tick and reset. Inter-event is recorded once per event, here only:
 * the run's cumulative histogram gets the second at each tick, so the hot path pays one record.
 */
import { recordMs, US_PER_MS } from './histogram.ts';
import { encodeSlot, type LiveHistograms, type LiveSlot, resetSlot } from './live-histograms.ts';
import type { RequestResult } from './types.ts';

/** The encoded histograms and percentiles a history row carries (null when the second had none). */
export interface SecondHistogramFields {
  readonly ttfeP50: number | null;
  readonly ttfeP95: number | null;
  readonly durationP50: number | null;
  readonly durationP95: number | null;
  readonly ttfeHistogram: string | null;
  readonly durationHistogram: string | null;
  readonly ttftHistogram: string | null;
  readonly tpotHistogram: string | null;
  readonly interEventHistogram: string | null;
}

export interface SecondHistograms {
  /** Hot path: one SSE event's gap to the stream's previous one, in µs. */
  interEventUs(us: number): void;
  /** One finished request's latencies. */
  request(result: RequestResult): void;
  /** The second's fields for its row; then the second is folded into the run's inter-event and reset. */
  closeSecond(): SecondHistogramFields;
  /** The run's encoded histograms with inter-event made whole (the ticked seconds and the open one). */
  withOpenSecond(encoded: Record<string, string>): Record<string, string>;
}

function encodeIfAny(slot: LiveSlot): string | null {
  return slot.histogram.totalCount > 0 ? encodeSlot(slot) : null;
}

/**
 * p50 and p95 (ms) of a second's live histogram, read in place: decoding its encoded copy to read
 * two numbers cost a decode and a pass over the counts every second. Same values as decoding and
 * histogramStats (the library's getValueAtPercentile, which histogramStats reproduces).
 */
function livePercentiles(slot: LiveSlot): readonly [number | null, number | null] {
  const h = slot.histogram;
  if (h.totalCount === 0) return [null, null];
  return [h.getValueAtPercentile(50) / US_PER_MS, h.getValueAtPercentile(95) / US_PER_MS];
}

export function createSecondHistograms(histograms: LiveHistograms): SecondHistograms {
  const interEvent = histograms.slot('inter_event');
  const ttfe = histograms.unnamed();
  const duration = histograms.unnamed();
  const ttft = histograms.unnamed();
  const tpot = histograms.unnamed();
  const gaps = histograms.unnamed();
  const scratch = histograms.unnamed();
  const all = [ttfe, duration, ttft, tpot, gaps];
  return {
    interEventUs(us) {
      gaps.histogram.recordValue(us);
    },
    request(result) {
      recordMs(duration.histogram, result.durationMs);
      if (result.ttfeMs !== undefined) recordMs(ttfe.histogram, result.ttfeMs);
      if (result.ttftMs !== undefined) recordMs(ttft.histogram, result.ttftMs);
      if (result.tpotMs !== undefined) recordMs(tpot.histogram, result.tpotMs);
    },
    closeSecond() {
      const [ttfeP50, ttfeP95] = livePercentiles(ttfe);
      const [durationP50, durationP95] = livePercentiles(duration);
      const fields: SecondHistogramFields = {
        ttfeP50,
        ttfeP95,
        durationP50,
        durationP95,
        ttfeHistogram: encodeIfAny(ttfe),
        durationHistogram: encodeIfAny(duration),
        ttftHistogram: encodeIfAny(ttft),
        tpotHistogram: encodeIfAny(tpot),
        interEventHistogram: encodeIfAny(gaps),
      };
      interEvent.histogram.add(gaps.histogram);
      for (const slot of all) resetSlot(slot);
      return fields;
    },
    withOpenSecond(encoded) {
      if (gaps.histogram.totalCount === 0) return encoded;
      resetSlot(scratch);
      scratch.histogram.add(interEvent.histogram);
      scratch.histogram.add(gaps.histogram);
      return { ...encoded, inter_event: encodeSlot(scratch) };
    },
  };
}

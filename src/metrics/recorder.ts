/**
 * The engine's recording surface (hot path: engine/stream-request.ts → sse/parser.ts → here).
 * Counters live in small fixed-shape objects; histograms are wasm (see histogram.ts); strings and
 * objects are only made in `request` (first sight of an entry or failure), `tick` and `snapshot`.
 */
import { createConnectionGauge } from './connection-gauge.ts';
import { createGeneratorHealth } from './generator-health.ts';
import { recordCount, recordMs, toMicros, unitOf } from './histogram.ts';
import { type SnapshotRow, sortedCounts } from './history.ts';
import { createLiveHistograms, type LiveHistograms, type LiveSlot } from './live-histograms.ts';
import { ERROR_NAMES, type ErrorName, LATENCY_METRICS, SCHEDULED_SUFFIX } from './names.ts';
import { type ControlsTotals, createControlsRecorder } from './operations.ts';
import type { Recorder, RecorderOptions } from './recorder-api.ts';
import { createRequestTable, REQUEST_NAMES } from './request-table.ts';
import { createSecondHistograms } from './second-histograms.ts';
import { createSeriesCap, OTHER_NAME } from './series-cap.ts';
import { checkRecord, SNAPSHOT_SCHEMA, type Snapshot } from './snapshot.ts';
import type { RequestResult } from './types.ts';

/** The series cap's families besides request names (series-cap.ts): one cap over all of them. */
const VALUE_NAMES = 'value metrics';
const CHECK_NAMES = 'check names';

interface Counters {
  requests: number;
  failures: number;
  streams: number;
  events: number;
  bytes: number;
  tokens: number;
  /** Requests that succeeded and met every SLO (RecorderOptions.goodRequest). */
  good: number;
  /** Requests the tool itself cut (stop timeout, abort, run end) and abandoned scenario code. */
  cancelled: number;
  /** Per error name, in ERROR_NAMES order. */
  readonly errors: number[];
}

function newCounters(): Counters {
  const errors = ERROR_NAMES.map(() => 0);
  return {
    requests: 0,
    failures: 0,
    streams: 0,
    events: 0,
    bytes: 0,
    tokens: 0,
    good: 0,
    cancelled: 0,
    errors,
  };
}

function clearCounters(c: Counters): void {
  c.requests = c.failures = c.streams = c.events = c.bytes = c.tokens = c.good = c.cancelled = 0;
  c.errors.fill(0);
}

/** Default cap on distinct names of a per-name series (node titles, request names). */
export const DEFAULT_MAX_NAMED_SERIES = 100;

const ERROR_INDEX = new Map<string, number>(ERROR_NAMES.map((name, i) => [name, i]));
// Built once: `request()` must not concatenate strings per call.
const SCHEDULED = new Map<string, string>(LATENCY_METRICS.map((m) => [m, m + SCHEDULED_SUFFIX]));

// Frees a recorder's wasm memory if it is dropped without close(). The held value is the
// histogram set alone: a closure here would capture the recorder's scope and keep it alive.
const leaked = new FinalizationRegistry<LiveHistograms>((histograms) => histograms.destroy());

const withControls = (totals: ControlsTotals | undefined) =>
  totals === undefined ? {} : { controls: totals };

export function createRecorder(options: RecorderOptions = {}): Recorder {
  const nowMs = options.nowMs ?? (() => performance.now());
  const wallClockMs = options.wallClockMs ?? (() => Date.now());
  const goodRequest = options.goodRequest ?? ((result: RequestResult) => result.ok);
  const histograms = createLiveHistograms();
  const seconds = createSecondHistograms(histograms);
  const gauge = createConnectionGauge(nowMs);
  const generator = createGeneratorHealth(histograms);
  const cap = createSeriesCap(options.maxNamedSeries ?? DEFAULT_MAX_NAMED_SERIES);
  const table = createRequestTable(histograms, cap);
  const controls = createControlsRecorder(histograms);
  const total = newCounters();
  const second = newCounters();
  const errorSamples: Partial<Record<ErrorName, string>> = {};
  let history: SnapshotRow[] = [];
  const createdMs = nowMs();
  let startedAtMs = options.startedAtMs ?? wallClockMs();
  // A common start already past: rows count from it (second k is the same wall second everywhere).
  let startMs = createdMs - Math.max(0, wallClockMs() - startedAtMs);
  let lastTickMs = createdMs;
  let lastSecond = 0;
  let users = 0;
  let closed = false;
  let tcpOpened = 0;
  let tcpH2 = 0;
  /** Scenario checks by name (past the cap, `(other)`): [passes, fails]. */
  const checks = new Map<string, [number, number]>();
  /** Users per scenario class now, and the most at once (names from the scenario file: a few). */
  const classUsers = new Map<string, number>();
  const classPeaks = new Map<string, number>();

  /** A latency present in the result: its histogram, and `<metric>_scheduled` in open-model runs. */
  const latency = (metric: string, ms: number | undefined, lagMs: number | undefined): void => {
    if (ms === undefined) return;
    recordMs(histograms.slot(metric).histogram, ms);
    if (lagMs !== undefined) recordMs(histograms.slot(SCHEDULED.get(metric)!).histogram, ms + lagMs);
  };

  const countFailure = (result: RequestResult): ErrorName => {
    const { error } = result;
    const i = error === undefined ? undefined : ERROR_INDEX.get(error);
    if (error === undefined || i === undefined) {
      throw new Error(`request ${result.method} ${result.name} failed without a taxonomy error name`);
    }
    total.failures++;
    second.failures++;
    total.errors[i]!++;
    second.errors[i]!++;
    return error;
  };

  /**
   * A request the tool cut: not a request that completed, nor a failure (docs/metrics.md: `cancelled`),
   * but what it measured before the cut still counts. Its duration is the cut's, not the server's.
   */
  const cancelledRequest = (result: RequestResult): void => {
    total.cancelled++;
    total.tokens += result.tokens;
    second.tokens += result.tokens;
    if (!result.stream) {
      total.bytes += result.contentBytes;
      second.bytes += result.contentBytes;
    }
    const lag = result.scheduleLagMs;
    latency('ttfb', result.ttfbMs, lag);
    latency('ttfe', result.ttfeMs, lag);
    latency('ttft', result.ttftMs, lag);
  };

  /**
   * Named series (`node_duration.<title>`, `node_gap.<title>`) whose names come from the server:
   * past the cap (--max-series, per family), further ones share `<family>.(other)` and are not
   * cached, so a server sending random titles cannot grow memory, run.json or the reports without
   * bound. A name without a family (`workflow_elapsed`) is one fixed series.
   */
  const valueSlots = new Map<string, LiveSlot>();
  const overflowedFamilies = new Set<string>();
  const valueSlot = (metric: string): LiveSlot => {
    if (metric === '' || unitOf(metric) === 'count') {
      throw new Error(`value(): '${metric}' is not a latency metric name`);
    }
    const family = metric.slice(0, metric.indexOf('.') + 1);
    if (family === '' || cap.admit(`${VALUE_NAMES} ${family}`, metric) === metric) {
      const slot = histograms.slot(metric);
      valueSlots.set(metric, slot);
      return slot;
    }
    overflowedFamilies.add(family);
    return histograms.slot(`${family}${OTHER_NAME}`);
  };

  const recorder: Recorder = {
    controls,

    streamOpened() {
      gauge.open();
      total.streams++;
      second.streams++;
    },

    streamClosed() {
      gauge.close();
    },

    event(bytes, interEventMs) {
      total.events++;
      second.events++;
      total.bytes += bytes;
      second.bytes += bytes;
      if (interEventMs !== undefined) seconds.interEventUs(toMicros(interEventMs));
    },

    request(result) {
      if (result.cancelled === true) {
        cancelledRequest(result);
        return;
      }
      const error = result.ok ? undefined : countFailure(result);
      const entry = table.entry(result.method, result.name);
      const lag = result.scheduleLagMs;
      total.requests++;
      second.requests++;
      total.tokens += result.tokens;
      second.tokens += result.tokens;
      if (goodRequest(result)) {
        total.good++;
        second.good++;
      }
      entry.requests++;
      entry.contentBytes += result.contentBytes;
      // A stream's bytes were counted event by event; a plain body arrives as a whole.
      if (!result.stream) {
        total.bytes += result.contentBytes;
        second.bytes += result.contentBytes;
      }
      latency('request_duration', result.durationMs, lag);
      recordMs(entry.duration.histogram, result.durationMs);
      seconds.request(result);
      latency('ttfb', result.ttfbMs, lag);
      latency('ttfe', result.ttfeMs, lag);
      latency('ttft', result.ttftMs, lag);
      latency('tpot', result.tpotMs, undefined);
      latency('stream_duration', result.streamDurationMs, undefined);
      if (result.stream) {
        recordCount(histograms.slot('events_per_stream').histogram, result.events);
        recordCount(histograms.slot('bytes_per_stream').histogram, result.contentBytes);
        recordCount(histograms.slot('tokens_per_stream').histogram, result.tokens);
      }
      if (error !== undefined) {
        const message = result.message ?? error;
        errorSamples[error] ??= message;
        table.fail(entry, error, message);
      }
    },

    tcpConnectionOpened(protocol) {
      tcpOpened++;
      if (protocol === 'h2') tcpH2++;
    },

    check(name, ok) {
      let counts = checks.get(name);
      if (counts === undefined) {
        const kept = cap.admit(CHECK_NAMES, name);
        counts = checks.get(kept);
        if (counts === undefined) {
          counts = [0, 0];
          checks.set(kept, counts);
        }
      }
      counts[ok ? 0 : 1]++;
    },

    value(metric, ms) {
      recordMs((valueSlots.get(metric) ?? valueSlot(metric)).histogram, ms);
    },

    warnings() {
      const max = cap.max;
      const list = [...overflowedFamilies].map(
        (family) =>
          `more than ${max} distinct ${family}* names (server-chosen): the rest are counted under ${family}${OTHER_NAME}`,
      );
      const overflowed = cap.overflowed();
      if (overflowed.includes(REQUEST_NAMES))
        list.push(
          `more than ${max} distinct request names: the rest are counted under the name ${OTHER_NAME}`,
        );
      if (overflowed.includes(CHECK_NAMES))
        list.push(
          `more than ${max} distinct check names: the rest are counted under the check ${OTHER_NAME}`,
        );
      return list;
    },

    abandoned(count) {
      total.cancelled += count;
    },

    setUsers(n) {
      users = n;
    },

    setClassUsers(name, n) {
      classUsers.set(name, n);
      if (n > (classPeaks.get(name) ?? 0)) classPeaks.set(name, n);
    },

    generatorSample(sample) {
      generator.add(sample);
    },

    tick() {
      const now = nowMs();
      // Seconds since the start, rounded (timers jitter), never repeated (a late tick skips ahead).
      lastSecond = Math.max(lastSecond + 1, Math.round((now - startMs) / 1000));
      const controlsRow = controls.closeSecond();
      const errors: Partial<Record<ErrorName, number>> = {};
      ERROR_NAMES.forEach((name, i) => {
        if (second.errors[i]! > 0) errors[name] = second.errors[i]!;
      });
      history.push({
        t: wallClockMs(),
        elapsedS: lastSecond,
        users,
        activeConnections: gauge.active,
        connectionsOpened: second.streams,
        requests: second.requests,
        failures: second.failures,
        events: second.events,
        bytes: second.bytes,
        tokens: second.tokens,
        good: second.good,
        totalRequests: total.requests,
        totalFailures: total.failures,
        ...seconds.closeSecond(),
        errors,
        generator: generator.closeSecond(),
        spanMs: now - lastTickMs,
        peakConnections: gauge.closeSecond(),
        ...(controlsRow === undefined ? {} : { controls: controlsRow }),
        ...(classUsers.size === 0 ? {} : { userClasses: sortedCounts(classUsers) }),
      });
      lastTickMs = now;
      clearCounters(second);
    },

    snapshot(options): Snapshot {
      const after = options?.historyAfterS;
      const { entries, failures } = table.snapshot();
      const errors = Object.fromEntries(ERROR_NAMES.map((name, i) => [name, total.errors[i]!]));
      return {
        schema: SNAPSHOT_SCHEMA,
        startedAtMs,
        elapsedMs: nowMs() - startMs,
        users,
        totals: {
          requests: total.requests,
          failures: total.failures,
          streams: total.streams,
          events: total.events,
          bytes: total.bytes,
          tokens: total.tokens,
          good: total.good,
          cancelled: total.cancelled,
        },
        connections: gauge.snapshot(),
        histograms: seconds.withOpenSecond(histograms.encodeAll()),
        entries,
        errors: errors as Record<ErrorName, number>,
        errorSamples: { ...errorSamples },
        failures,
        history: after === undefined ? [...history] : history.filter((row) => row.elapsedS > after),
        generator: generator.snapshot(),
        tcp: { opened: tcpOpened, h2: tcpH2 },
        checks: checkRecord([...checks].map(([name, [passes, fails]]) => [name, { passes, fails }] as const)),
        ...withControls(controls.snapshot()),
        ...(classPeaks.size === 0 ? {} : { userClasses: sortedCounts(classPeaks) }),
      };
    },

    reset() {
      startMs = lastTickMs = nowMs();
      startedAtMs = wallClockMs();
      lastSecond = 0;
      clearCounters(total);
      clearCounters(second);
      histograms.resetAll();
      table.reset();
      gauge.reset();
      generator.reset();
      controls.reset();
      for (const name of ERROR_NAMES) delete errorSamples[name];
      history = [];
      tcpOpened = tcpH2 = 0;
      checks.clear();
      classPeaks.clear();
      for (const [name, n] of classUsers) classPeaks.set(name, n);
    },

    close() {
      if (closed) return;
      closed = true;
      leaked.unregister(recorder);
      histograms.destroy();
    },
  };
  leaked.register(recorder, histograms, recorder);
  return recorder;
}

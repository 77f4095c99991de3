/**
 * The reports' fragment of the run options: where and how a run reports. Here, in the layer that
 * composes the run's table, because report/ reads run.json's config typed by that table (so the
 * table sits below report/); report/ takes the formats from here.
 */
import { option } from '../config/option.ts';
import { count, duration, flag, listOf, text } from '../config/values.ts';

export const REPORT_FORMATS = ['txt', 'json', 'csv', 'junit', 'md', 'html'] as const;

export const REPORT_OPTIONS = {
  maxSeries: option({
    arg: 'n',
    help: 'most distinct node titles / request names kept apart; the rest share one (other) row',
    value: count(1),
    default: 100,
  }),
  out: option({
    arg: 'dir',
    help: 'report folder',
    perSegment: true,
    value: text,
    default: null,
    defaultHelp: 'reports/<YYYYMMDD_HHMMSS>/',
  }),
  repeat: option({
    arg: 'n',
    help: 'run the same configuration n times into OUT/rep-1 … rep-n, plus a summary of their spread (repeats for `streamload compare`)',
    value: count(1, 100),
    default: 1,
  }),
  repeatPause: option({
    arg: 'dur',
    help: 'with --repeat: pause between the runs, e.g. 10s (lets the target settle)',
    value: duration,
    default: 0,
  }),
  format: option({
    arg: 'list',
    help: `report files: ${REPORT_FORMATS.join(',')}`,
    perSegment: true,
    value: listOf(REPORT_FORMATS, 'format'),
    default: REPORT_FORMATS,
    defaultHelp: 'all',
  }),
  jsonSummary: option({
    help: 'print one JSON summary object as the last line of stdout',
    perSegment: true,
    value: flag,
    default: false,
  }),
  liveInterval: option({
    arg: 'dur',
    help: 'live console interval',
    value: duration,
    default: 5_000,
    perSegment: true,
  }),
};

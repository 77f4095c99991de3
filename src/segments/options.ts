/** The segments' fragment of the run options: one part of a run scaled out over several machines. */
import { option } from '../config/option.ts';
import { checked } from '../config/values.ts';
import { formatSegment, parseSegment } from './shares.ts';
import { parseStartAt } from './start-at.ts';

export const SEGMENT_OPTIONS = {
  segment: option({
    arg: 'i/N',
    help: 'scale-out: do only segment i of N equal parts of the load (users, rate, iterations, arrivals); N runs together do the whole',
    perSegment: true,
    value: checked(parseSegment, {
      schema: {
        type: 'object',
        properties: { index: { type: 'integer', minimum: 0 }, of: { type: 'integer', minimum: 1 } },
      },
      show: formatSegment,
      example: '2/3',
    }),
    default: null,
  }),
  startAt: option({
    arg: 'time',
    help: 'scale-out: wait until this Unix ms or ISO time and count history seconds from it (one clock for all segments)',
    value: checked(parseStartAt, {
      schema: { type: 'integer', minimum: 0 },
      show: String,
      example: new Date(0).toISOString(),
    }),
    default: null,
  }),
};

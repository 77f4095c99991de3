/** The options of `streamload report` and `streamload merge`: which report files, and where. */
import { option } from '../config/option.ts';
import { listOf, text } from '../config/values.ts';
import { REPORT_FORMATS } from '../run-config/report-options.ts';

const formats = <D extends readonly (typeof REPORT_FORMATS)[number][]>(fallback: D) =>
  option({
    arg: 'list',
    help: `files to write: ${REPORT_FORMATS.join(',')}`,
    value: listOf(REPORT_FORMATS, 'format'),
    default: fallback,
  });

/** `report`: re-rendering a run.json beside it; its json is the input, so not rewritten by default. */
export const REPORT_COMMAND_OPTIONS = {
  format: formats(REPORT_FORMATS.filter((f) => f !== 'json')),
  out: option({
    arg: 'dir',
    help: 'folder to write into',
    value: text,
    default: null,
    defaultHelp: 'the folder of run.json',
  }),
};

export const MERGE_OPTIONS = {
  out: option({ arg: 'dir', help: 'folder for the merged reports (required)', value: text, default: null }),
  format: formats(REPORT_FORMATS),
};

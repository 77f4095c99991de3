import type { RegisterCommand } from '../context.ts';
import { register as compare } from './compare.ts';
import { register as demo } from './demo.ts';
import { register as findLimit } from './find-limit.ts';
import { register as master } from './master.ts';
import { register as merge } from './merge.ts';
import { register as report } from './report.ts';
import { register as run } from './run.ts';
import { register as serve } from './serve.ts';
import { register as setup } from './setup.ts';
import { register as trend } from './trend.ts';
import { register as web } from './web.ts';
import { register as worker } from './worker.ts';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  run,
  demo,
  findLimit,
  serve,
  setup,
  report,
  compare,
  trend,
  merge,
  web,
  master,
  worker,
];

/** `npm run build` step: bundles the web UI (src/web/frontend) into dist/web/public/app.{js,css}. */
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../src/web/assets.ts';

const outdir = new URL('../dist/web/public/', import.meta.url).pathname;
await build({ ...BUNDLE_OPTIONS, outdir, logLevel: 'info' });

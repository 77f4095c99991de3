/**
 * The page and its bundle. A built package serves `dist/web/public/` (made by `npm run build`);
 * a source checkout bundles `src/web/frontend/` in memory with esbuild at first request, so the
 * UI works without a build step and never serves a stale bundle.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface WebAssets {
  readonly js: string;
  readonly css: string;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
export const FRONTEND_ENTRY = fileURLToPath(new URL('./frontend/main.ts', import.meta.url));
const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** esbuild options shared by the in-memory bundle and `scripts/build-web.ts`. */
export const BUNDLE_OPTIONS = {
  entryPoints: { app: FRONTEND_ENTRY },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
} as const;

let cached: Promise<WebAssets> | undefined;

export function loadAssets(): Promise<WebAssets> {
  cached ??= (FROM_SOURCE ? bundleInMemory() : readBuilt()).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function readBuilt(): Promise<WebAssets> {
  const [js, css] = await Promise.all([
    readFile(new URL('app.js', PUBLIC_DIR), 'utf8'),
    readFile(new URL('app.css', PUBLIC_DIR), 'utf8'),
  ]);
  return { js, css };
}

async function bundleInMemory(): Promise<WebAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ ...BUNDLE_OPTIONS, write: false, outdir: 'out' });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The one HTML page; everything else is drawn by app.js from /api/view and /api/events. */
export function pageHtml(title = 'streamload'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="app.css"></head>
<body><div id="app"><p>Loading…</p></div><script src="app.js"></script></body></html>
`;
}

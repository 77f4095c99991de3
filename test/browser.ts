/** Debian's Chromium driven by playwright-core: the one way the tests open a browser. */
import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Screenshots go here (git-ignored). */
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

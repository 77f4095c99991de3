/** junit.xml: one test case per threshold, so CI systems show which limit a run broke. */
import type { RunJson } from './types.ts';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(run: RunJson): string {
  const failures = run.thresholds.filter((t) => !t.ok).length;
  const cases = run.thresholds.map((t) => {
    const name = escapeXml(t.expr);
    if (t.ok) return `    <testcase classname="streamload.thresholds" name="${name}"/>`;
    const actual = t.actual === null ? 'no samples' : String(t.actual);
    return `    <testcase classname="streamload.thresholds" name="${name}">\n      <failure message="${escapeXml(`actual ${actual}, limit ${t.limit}`)}">${escapeXml(`${t.expr}: actual ${actual}, limit ${t.limit}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="streamload" tests="${run.thresholds.length}" failures="${failures}" time="${run.durationS}">`,
    `  <testsuite name="thresholds" tests="${run.thresholds.length}" failures="${failures}" time="${run.durationS}" timestamp="${run.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

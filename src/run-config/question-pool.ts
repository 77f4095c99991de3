/**
 * How a run's question pool is recorded in run.json, the reports and `--json-summary`: by count,
 * hash and a short sample, never the whole text — a pool may be large (a 95 MB file gave a 104 MB
 * run.json) and its prompts confidential. The hash tells two runs' pools apart.
 */
import { createHash } from 'node:crypto';

export const POOL_SAMPLE_QUESTIONS = 3;
export const POOL_SAMPLE_CHARS = 80;

export interface PoolDescription {
  readonly count: number;
  /** SHA-256 of the questions joined by LF. */
  readonly sha256: string;
  /** The first questions, each cut to POOL_SAMPLE_CHARS characters. */
  readonly sample: readonly string[];
}

export function describePool(questions: readonly string[]): PoolDescription {
  const hash = createHash('sha256');
  questions.forEach((q, i) => {
    if (i > 0) hash.update('\n');
    hash.update(q);
  });
  return {
    count: questions.length,
    sha256: hash.digest('hex'),
    sample: questions
      .slice(0, POOL_SAMPLE_QUESTIONS)
      .map((q) => (q.length > POOL_SAMPLE_CHARS ? `${q.slice(0, POOL_SAMPLE_CHARS)}…` : q)),
  };
}

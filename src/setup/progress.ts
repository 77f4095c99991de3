/** One printed line per setup step, and whether any step changed something. */
export interface Progress {
  /** A step that made or changed something in Dify or on disk. */
  changed(line: string): void;
  /** A step that found what it needed already there (re-runs say so). */
  kept(line: string): void;
  /** A warning that does not stop setup. */
  warn(line: string): void;
  readonly anyChange: boolean;
}

export function createProgress(write: (line: string) => void): Progress {
  let anyChange = false;
  return {
    changed(line) {
      anyChange = true;
      write(`✔ ${line}\n`);
    },
    kept(line) {
      write(`✔ ${line}\n`);
    },
    warn(line) {
      write(`! ${line}\n`);
    },
    get anyChange() {
      return anyChange;
    },
  };
}

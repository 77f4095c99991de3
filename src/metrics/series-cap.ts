/**
 * The one cap on named series (`--max-series`): node titles (`node_duration.<title>`), request
 * names and scenario check names come from the server, from data or from scenario code, so each
 * family keeps at most `max` distinct names and folds the rest into one `(other)` series. Without
 * it a server sending random titles, or a check named after each response, grows memory, run.json
 * and the reports without bound (a 5 s run once took 24 s and 1.58 GB).
 */

/** The series that collects names past the cap. */
export const OTHER_NAME = '(other)';

export interface SeriesCap {
  /** The name to record under: `name` itself while its family has room, else OTHER_NAME. */
  admit(family: string, name: string): string;
  /** The families that folded some name into OTHER_NAME, in the order they first did. */
  overflowed(): readonly string[];
  readonly max: number;
}

export function createSeriesCap(max: number): SeriesCap {
  const admitted = new Map<string, Set<string>>();
  const overflowed = new Set<string>();
  return {
    max,
    admit(family, name) {
      let names = admitted.get(family);
      if (names === undefined) {
        names = new Set();
        admitted.set(family, names);
      }
      if (names.has(name)) return name;
      if (names.size < max) {
        names.add(name);
        return name;
      }
      overflowed.add(family);
      return OTHER_NAME;
    },
    overflowed: () => [...overflowed],
  };
}

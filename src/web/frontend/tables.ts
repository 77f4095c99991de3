/** The request and error tables, redrawn from each tick. */
import type { ErrorRow, RequestRow } from '../feed.ts';

const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '');

function fill(body: HTMLTableSectionElement, rows: readonly (readonly (string | number)[])[]): void {
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        tr.append(td);
      }
      return tr;
    }),
  );
}

export function renderRequests(body: HTMLTableSectionElement, rows: readonly RequestRow[]): void {
  fill(
    body,
    rows.map((r) => [
      r.method,
      r.name,
      r.requests,
      r.failures,
      num(r.avgMs),
      num(r.p50Ms),
      num(r.p95Ms),
      num(r.p99Ms),
      num(r.maxMs),
      num(r.rps, 2),
    ]),
  );
}

export function renderErrors(body: HTMLTableSectionElement, rows: readonly ErrorRow[]): void {
  fill(
    body,
    rows.map((e) => [e.error, e.method, e.name, e.occurrences, e.message]),
  );
}

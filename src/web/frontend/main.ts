/** The streamload web UI: start form, controls, live numbers, charts, tables and report links. */
import type { Tick, View } from '../feed.ts';
import type { FormField } from '../form.ts';
import { openFeed, post, withToken } from './api.ts';
import { LiveCharts } from './charts.ts';
import './style.css';
import { renderErrors, renderRequests } from './tables.ts';

const app = document.getElementById('app') as HTMLElement;
app.innerHTML = `
<header><h1>streamload</h1><span id="state" class="state">connecting</span><span id="connection"></span></header>
<p id="message" role="status"></p>
<form id="start-form" class="panel">
  <span id="form-fields"></span>
  <button id="start" type="submit">Start</button>
</form>
<div id="controls" class="panel">
  <label>Users <input id="users-input" type="number" min="0" step="1" size="6"></label>
  <button id="set-users" type="button">Change users</button>
  <button id="stop" type="button">Stop</button>
  <button id="reset" type="button">New test</button>
</div>
<section class="stats" id="stats"></section>
<ul id="warnings" class="warnings"></ul>
<section id="charts" class="charts"></section>
<h2>Requests</h2>
<table id="requests-table"><thead><tr><th>Type</th><th>Name</th><th>Requests</th><th>Failures</th><th>Avg (ms)</th><th>p50</th><th>p95</th><th>p99</th><th>Max</th><th>req/s</th></tr></thead><tbody></tbody></table>
<h2>Errors</h2>
<table id="errors-table"><thead><tr><th>Error</th><th>Type</th><th>Name</th><th>Occurrences</th><th>Sample message</th></tr></thead><tbody></tbody></table>
<h2>Reports</h2>
<p id="report-dir"></p><ul id="reports"></ul>
<p class="links"><a href="${withToken('/metrics')}">Prometheus /metrics</a></p>`;

const $ = <T extends HTMLElement>(selector: string) => app.querySelector(selector) as T;
const form = $<HTMLFormElement>('#start-form');
const controls = $<HTMLElement>('#controls');
const usersInput = $<HTMLInputElement>('#users-input');
const charts = new LiveCharts($('#charts'));
let view: View | undefined;
let formFilled = false;

/** One start-form input, built from the field the server derived from the option table (web/form.ts). */
function fieldElement(field: FormField): HTMLLabelElement {
  const label = document.createElement('label');
  label.title = field.help;
  label.append(`${field.label.charAt(0).toUpperCase()}${field.label.slice(1)} `);
  const option = (value: string, text: string) =>
    Object.assign(document.createElement('option'), { value, textContent: text });
  if (field.input === 'select') {
    const select = document.createElement('select');
    select.append(...field.choices.map((c) => option(c.value, c.label)));
    label.append(Object.assign(select, { name: field.name, value: field.value }));
    return label;
  }
  const input = Object.assign(document.createElement('input'), {
    type: field.input,
    name: field.name,
    value: field.value,
    placeholder: field.placeholder,
  });
  if (field.input === 'password') input.autocomplete = 'off';
  if (field.min !== undefined) input.min = String(field.min);
  if (field.step !== undefined) input.step = field.step;
  label.append(input);
  if (field.choices.length > 0) {
    // Suggestions (the scenarios the page may choose), not a closed list: the server checks.
    const list = Object.assign(document.createElement('datalist'), { id: `${field.name}-choices` });
    list.append(...field.choices.map((c) => option(c.value, c.label)));
    input.setAttribute('list', list.id);
    label.append(list);
  }
  return label;
}

function setMessage(text: string, isError = false): void {
  const el = $('#message');
  el.textContent = text;
  el.className = isError ? 'error' : '';
}

async function act(path: string, body?: Record<string, unknown>): Promise<void> {
  try {
    render(await post(path, body));
  } catch (error) {
    setMessage((error as Error).message, true);
  }
}

function render(next: View): void {
  view = next;
  $('#state').textContent = next.state;
  $('#state').dataset.state = next.state;
  setMessage(next.message, next.state === 'failed');
  const active = next.state === 'starting' || next.state === 'running' || next.state === 'stopping';
  form.hidden = !next.canStart || active || next.state === 'finished';
  if (!formFilled) {
    $('#form-fields').replaceChildren(...next.form.map(fieldElement));
    formFilled = true;
  }
  for (const el of form.querySelectorAll('input,select,button')) (el as HTMLInputElement).disabled = active;
  controls.hidden = !active && next.state !== 'finished' && next.state !== 'failed';
  $<HTMLButtonElement>('#set-users').disabled = !next.canChangeUsers;
  usersInput.disabled = !next.canChangeUsers;
  $<HTMLButtonElement>('#stop').disabled = next.state !== 'running';
  $<HTMLButtonElement>('#reset').hidden = !next.canStart || active;
  const warnings = $('#warnings');
  warnings.replaceChildren(
    ...next.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })),
  );
  $('#report-dir').textContent =
    next.reportDir === null ? 'Written when the run ends.' : `Folder: ${next.reportDir}`;
  $('#reports').replaceChildren(
    ...next.reports.map((r) => {
      const a = Object.assign(document.createElement('a'), { href: withToken(r.href), textContent: r.name });
      a.setAttribute('download', r.name);
      const li = document.createElement('li');
      li.append(a);
      return li;
    }),
  );
  if (next.tick === null) {
    charts.clear();
    renderTick(null);
  } else renderTick(next.tick);
}

function renderTick(tick: Tick | null): void {
  if (tick !== null) charts.update(tick.from, tick.points);
  const stat = (label: string, id: string, value: string) =>
    `<div class="stat"><span class="label">${label}</span><span class="value" id="stat-${id}">${value}</span></div>`;
  const last = tick?.points.at(-1);
  $('#stats').innerHTML = [
    stat('Elapsed', 'elapsed', tick === null ? '–' : `${Math.round(tick.elapsedS)} s`),
    stat('Users', 'users', String(tick?.users ?? 0)),
    stat('Active connections', 'active', String(tick?.activeConnections ?? 0)),
    stat('Requests', 'requests', String(tick?.totals.requests ?? 0)),
    stat('Failures', 'failures', String(tick?.totals.failures ?? 0)),
    stat('Events', 'events', String(tick?.totals.events ?? 0)),
    stat('Events/s', 'events-rate', String(last?.events ?? 0)),
    stat(
      'TTFE p50 / p95 (ms)',
      'ttfe',
      tick?.ttfe ? `${tick.ttfe.p50.toFixed(1)} / ${tick.ttfe.p95.toFixed(1)}` : '–',
    ),
  ].join('');
  renderRequests(
    $<HTMLTableElement>('#requests-table').tBodies[0] as HTMLTableSectionElement,
    tick?.requests ?? [],
  );
  renderErrors(
    $<HTMLTableElement>('#errors-table').tBodies[0] as HTMLTableSectionElement,
    tick?.errors ?? [],
  );
  if (tick !== null && document.activeElement !== usersInput) usersInput.value = String(tick.users);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  setMessage('starting…');
  void act('/api/start', Object.fromEntries(new FormData(form)) as Record<string, unknown>);
});
$('#set-users').addEventListener('click', () => void act('/api/users', { users: Number(usersInput.value) }));
$('#stop').addEventListener('click', () => void act('/api/stop'));
$('#reset').addEventListener('click', () => {
  formFilled = false;
  setMessage('');
  void act('/api/reset');
});

openFeed({
  view: render,
  tick: (tick) => {
    if (view !== undefined) renderTick(tick);
  },
  connection: (open) => {
    $('#connection').textContent = open ? '' : 'reconnecting…';
  },
});

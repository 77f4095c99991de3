/** The streamload web UI: start form, controls, live numbers, charts, tables and report links. */
import type { Tick, View } from '../feed.ts';
import { openFeed, post, withToken } from './api.ts';
import { LiveCharts } from './charts.ts';
import './style.css';
import { renderErrors, renderRequests } from './tables.ts';

const PROTOCOLS = ['', 'workflow', 'chat', 'openai', 'sse'];

const app = document.getElementById('app') as HTMLElement;
app.innerHTML = `
<header><h1>streamload</h1><span id="state" class="state">connecting</span><span id="connection"></span></header>
<p id="message" role="status"></p>
<form id="start-form" class="panel">
  <label>Target <input name="target" placeholder="empty = embedded reference targets" size="36"></label>
  <label>API key <input name="apiKey" type="password" autocomplete="off" placeholder="from the command line"></label>
  <label>Protocol <select name="protocol">${PROTOCOLS.map((p) => `<option value="${p}">${p === '' ? "(scenario's)" : p}</option>`).join('')}</select></label>
  <label>Scenario <input name="scenario" list="scenarios" size="16"><datalist id="scenarios"></datalist></label>
  <label>Users <input name="users" type="number" min="1" step="1" size="6"></label>
  <label>Spawn rate (/s) <input name="spawnRate" type="number" min="0.1" step="any" size="6"></label>
  <label>Run time <input name="runTime" placeholder="60s, 5m" size="8"></label>
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
    for (const [name, value] of Object.entries(next.form)) {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input !== null) input.value = value;
    }
    $('#scenarios').replaceChildren(
      ...next.scenarios.map((s) => Object.assign(document.createElement('option'), { value: s })),
    );
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

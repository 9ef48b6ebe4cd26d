// The playground: sends one request to /generate, /complete or /debug,
// shows its stages live (server-sent events read from the fetch body) and
// renders the checked answer.
//
// What the page keeps: the API key, in sessionStorage only (never
// localStorage, cookies or the URL), so it lives as long as the tab. Nothing
// else is stored.

import { el, clear, str, num, obj, formatMs } from './dom.js';
import { readEventStream } from './sse.js';
import { EXAMPLES } from './examples.js';
import {
  collectFindings, renderCode, showLine, renderVerdict, renderFindings,
  renderSections, renderRepairs, renderExecution, renderTimings,
} from './render.js';

const KEY_ITEM = 'skitty.apiKey';
// Chips in the progress line; a stream with more stages than this (a broken
// or hostile server) only updates the status line.
const MAX_CHIPS = 64;
// The longest answer the page reads (the server's own caps are far lower).
const MAX_ANSWER = 48 * 1024 * 1024;

const CODE_FIELD = { generate: 'code', complete: 'completed_code', debug: 'fixed_code' };
const STAGE_LABELS = {
  guard: 'prompt guard',
  model: 'model',
  extract: 'code extraction',
  ast: 'AST policy',
  static: 'static analysis',
  analysers: 'static analysis',
  verdict: 'verdict',
  repair: 'repair',
  exec: 'sandbox run',
  reproduce: 'reproduce the error',
  audit: 'audit log',
};
const HTTP_TEXT = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found',
  405: 'Method not allowed', 413: 'Too large', 415: 'Unsupported media type',
  422: 'Refused', 429: 'Too many requests', 500: 'Server error', 502: 'Model backend failed',
  503: 'Service unavailable', 504: 'Model backend timed out',
};

const $ = (id) => document.getElementById(id);
const form = $('request-form');
const ui = {
  language: $('language'),
  prompt: $('prompt'),
  code: $('code'),
  error: $('error'),
  key: $('api-key'),
  send: $('send'),
  cancel: $('cancel'),
  progress: $('progress'),
  statusLine: $('status-line'),
  errorBox: $('error-box'),
  answer: $('answer'),
  meta: $('meta'),
};

let running = null; // {controller, timer, started} while a request is in flight
let lastCode = '';

/* ------------------------------------------------------------ API key */

// sessionStorage may be unavailable (storage disabled): the key then lives
// in the field alone.
function keyLoad() {
  try {
    return sessionStorage.getItem(KEY_ITEM) || '';
  } catch {
    return '';
  }
}

function keySave(v) {
  try {
    if (v)
      sessionStorage.setItem(KEY_ITEM, v);
    else
      sessionStorage.removeItem(KEY_ITEM);
  } catch {
    // Nothing to do: the field still holds the key for this page.
  }
}

function setFieldMsg(input, msg) {
  const out = $(`${input.id === 'api-key' ? 'key' : input.id}-msg`);
  if (out)
    out.textContent = msg;
  if (msg)
    input.setAttribute('aria-invalid', 'true');
  else
    input.removeAttribute('aria-invalid');
}

ui.key.value = keyLoad();
ui.key.addEventListener('input', () => {
  keySave(ui.key.value.trim());
  setFieldMsg(ui.key, '');
  updateCurl();
});
$('forget-key').addEventListener('click', () => {
  ui.key.value = '';
  keySave('');
  setFieldMsg(ui.key, '');
  updateCurl();
  ui.key.focus();
});

/* ------------------------------------------------------------ the form */

function endpoint() {
  return form.elements.endpoint.value;
}

function showFields() {
  const ep = endpoint();
  for (const f of form.querySelectorAll('[data-endpoints]'))
    f.hidden = !f.dataset.endpoints.split(' ').includes(ep);
  updateCurl();
}

function requestBody() {
  const ep = endpoint();
  const body = ep === 'generate' ? { prompt: ui.prompt.value } : { code: ui.code.value };
  if (ep === 'debug')
    body.error = ui.error.value;
  body.language = ui.language.value;
  return body;
}

// Check what the server would refuse anyway, and say it next to the field.
function validate() {
  const ep = endpoint();
  const need = ep === 'generate' ? [ui.prompt] : ep === 'complete' ? [ui.code] : [ui.code, ui.error];
  let first = null;
  for (const input of [ui.prompt, ui.code, ui.error])
    setFieldMsg(input, '');
  for (const input of need) {
    if (!input.value.trim()) {
      setFieldMsg(input, `The ${input.id} is empty.`);
      first = first || input;
    }
  }
  const key = ui.key.value.trim();
  if (key && !/^[\x21-\x7e]+$/.test(key)) {
    setFieldMsg(ui.key, 'An API key is printable ASCII without spaces.');
    first = first || ui.key;
  }
  if (first)
    first.focus();
  return !first;
}

function shellQuote(s) {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

// The curl command for the current form; the key is never written out.
function updateCurl() {
  const lines = [`curl -sS -N ${shellQuote(`${location.origin}/${endpoint()}`)}`,
    "  -H 'Content-Type: application/json'"];
  if (ui.key.value.trim())
    lines.push('  -H "Authorization: Bearer $SKITTY_API_KEY"');
  lines.push("  -H 'Accept: text/event-stream'");
  lines.push(`  -d ${shellQuote(JSON.stringify(requestBody()))}`);
  $('curl').textContent = lines.join(' \\\n');
}

for (const r of form.elements.endpoint)
  r.addEventListener('change', showFields);
form.addEventListener('input', (e) => {
  if (e.target !== ui.key)
    updateCurl();
});
form.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    form.requestSubmit();
  }
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (!running)
    send();
});
ui.cancel.addEventListener('click', () => running && running.controller.abort());
$('example').addEventListener('click', () => {
  const ex = EXAMPLES[endpoint()][ui.language.value];
  if (ex.prompt !== undefined)
    ui.prompt.value = ex.prompt;
  if (ex.code !== undefined)
    ui.code.value = ex.code;
  if (ex.error !== undefined)
    ui.error.value = ex.error;
  updateCurl();
});
$('copy-code').addEventListener('click', async () => {
  const b = $('copy-code');
  try {
    await navigator.clipboard.writeText(lastCode);
    b.textContent = 'Copied';
  } catch {
    // No clipboard (plain HTTP on another host): select the code instead.
    const pre = document.querySelector('#code-view pre');
    if (pre)
      getSelection().selectAllChildren(pre);
    b.textContent = 'Selected';
  }
  setTimeout(() => { b.textContent = 'Copy'; }, 1500);
});

/* ----------------------------------------------------------- progress */

function stageLabel(stage) {
  return Object.hasOwn(STAGE_LABELS, stage) ? STAGE_LABELS[stage] : stage;
}

function progressReset() {
  clear(ui.progress);
  ui.progress.dataset.state = 'running';
}

// One stage event {stage, state: start|end, ms?} from the stream.
function progressEvent(ev) {
  const stage = str(ev.stage);
  if (!stage)
    return;
  const chips = ui.progress.querySelectorAll('li');
  let chip = null;
  if (ev.state === 'end') {
    for (let k = chips.length - 1; k >= 0 && !chip; k--)
      if (chips[k].dataset.stage === stage && chips[k].dataset.state === 'running')
        chip = chips[k];
  }
  if (!chip) {
    if (chips.length >= MAX_CHIPS)
      return;
    chip = el('li', { class: 'chip', dataset: { stage, state: 'running' } },
      el('span', { class: 'chip-dot', 'aria-hidden': 'true' }),
      el('span', { class: 'chip-label' }, stageLabel(stage)),
      el('span', { class: 'chip-ms' }));
    ui.progress.append(chip);
  }
  if (ev.state === 'end') {
    chip.dataset.state = 'done';
    chip.querySelector('.chip-ms').textContent = formatMs(num(ev.ms));
  } else if (running) {
    running.stage = stageLabel(stage);
    tick();
  }
}

function tick() {
  if (!running)
    return;
  const s = ((performance.now() - running.started) / 1000).toFixed(1);
  ui.statusLine.textContent = `${running.stage ? `Running: ${running.stage}` : 'Sending'}… ${s} s`;
}

/* ------------------------------------------------------------- results */

function resetResult() {
  ui.errorBox.hidden = true;
  ui.answer.hidden = true;
  ui.meta.textContent = '';
  lastCode = '';
}

function showError(status, title, message, hint) {
  ui.answer.hidden = true;
  $('error-title').textContent = title;
  $('error-message').textContent = message;
  $('error-hint').textContent = hint || '';
  ui.errorBox.dataset.status = String(status || 0);
  ui.errorBox.hidden = false;
}

// An error answer {"error": {code, message}, request_id} with its status.
function showHttpError(status, body, retryAfter) {
  const e = obj(obj(body).error);
  const code = str(e.code, 'error');
  const message = str(e.message, 'the server gave no explanation');
  let hint = '';
  if (status === 401) {
    hint = ui.key.value.trim()
      ? 'The server did not accept this API key. Check it in the API key field and send again.'
      : 'This server needs an API key: enter it in the API key field and send again.';
    setFieldMsg(ui.key, 'The server asks for a valid API key.');
    ui.key.focus();
  } else if (status === 403) {
    hint = 'This key is not allowed to use this endpoint.';
  } else if (status === 429 || status === 503) {
    hint = retryAfter ? `Try again in ${retryAfter} s.` : 'Try again shortly.';
  } else if (status === 413) {
    hint = 'Send less code or a shorter prompt.';
  } else if (status === 502 || status === 504) {
    hint = 'The model backend failed; the request was not served.';
  }
  showError(status, `${status} ${HTTP_TEXT[status] || 'Error'}`, `${message} (${code})`, hint);
  const rid = str(obj(body).request_id);
  ui.meta.textContent = rid ? `request ${rid}` : '';
}

function showAnswer(ep, lang, body) {
  const report = obj(body.security_report);
  const findings = collectFindings(report);
  renderVerdict($('verdict'), $('verdict-reason'), report);

  const code = str(body[CODE_FIELD[ep]]);
  lastCode = code;
  const withheld = body.withheld === true;
  $('withheld').hidden = !withheld;
  $('copy-code').hidden = !code;
  if (code)
    renderCode($('code-view'), code, lang, findings);
  else
    clear($('code-view')).append(el('p', { class: 'quiet' }, withheld ? '' : 'The answer holds no code.'));

  const explanation = str(body.explanation);
  $('explanation-block').hidden = ep !== 'debug' || !explanation;
  $('explanation').textContent = explanation;

  renderSections($('sections'), report);
  const n = renderFindings($('findings').tBodies[0], findings, showLine);
  $('findings').hidden = n === 0;
  $('no-findings').hidden = n !== 0;
  $('findings-count').textContent = n ? `(${n})` : '';

  const rounds = renderRepairs($('repairs'), report);
  $('no-repairs').hidden = rounds !== 0;
  $('repairs-count').textContent = rounds ? `(${rounds})` : '';

  const ran = renderExecution($('exec-facts'), $('exec-output'), $('exec-errors'),
    body.execution_results);
  $('exec-block').hidden = !ran;
  $('no-exec').hidden = ran;

  renderTimings($('timings').tBodies[0], body.timings);
  $('raw').textContent = JSON.stringify(body, null, 2);
  const parts = [];
  if (str(body.model))
    parts.push(`model ${str(body.model)}`);
  if (str(body.request_id))
    parts.push(`request ${str(body.request_id)}`);
  ui.meta.textContent = parts.join(' · ');
  ui.answer.hidden = false;
}

// Stages known only from the answer's timings (a server that does not stream).
function progressFromTimings(timings) {
  if (ui.progress.children.length)
    return;
  for (const [stage, ms] of Object.entries(obj(timings))) {
    if (stage !== 'total' && num(ms) !== null) {
      progressEvent({ stage, state: 'start' });
      progressEvent({ stage, state: 'end', ms });
    }
  }
}

/* --------------------------------------------------------------- send */

async function readJson(res) {
  const text = await res.text();
  if (text.length > MAX_ANSWER)
    throw new Error('the answer is too large to show');
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function send() {
  if (!validate())
    return;
  const ep = endpoint();
  const lang = ui.language.value;
  const key = ui.key.value.trim();
  const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  if (key)
    headers.Authorization = `Bearer ${key}`;

  resetResult();
  progressReset();
  running = { controller: new AbortController(), started: performance.now(), stage: '' };
  running.timer = setInterval(tick, 100);
  tick();
  ui.send.disabled = true;
  ui.cancel.disabled = false;
  document.body.classList.add('busy');
  updateCurl();

  let status = 0;
  let body = null;
  let failure = '';
  let retryAfter = '';
  try {
    const res = await fetch(`/${ep}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(requestBody()),
      signal: running.controller.signal,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    status = res.status;
    retryAfter = res.headers.get('Retry-After') || '';
    const type = (res.headers.get('Content-Type') || '').toLowerCase();
    if (res.ok && type.startsWith('text/event-stream')) {
      await readEventStream(res, (ev) => {
        let data;
        try {
          data = JSON.parse(ev.data);
        } catch {
          return; // not one of our events: ignore it
        }
        if (ev.event === 'stage')
          progressEvent(obj(data));
        else if (ev.event === 'status' && Number.isInteger(obj(data).status))
          status = data.status;
        else if (ev.event === 'result')
          body = data;
      }, MAX_ANSWER);
      if (!body)
        failure = 'the event stream ended before the answer arrived';
    } else {
      body = await readJson(res);
      if (!body)
        failure = `the server answered ${status} with something that is not JSON`;
    }
  } catch (e) {
    failure = e.name === 'AbortError' ? 'cancelled' : `cannot reach the server (${e.message})`;
  }

  const elapsed = formatMs(performance.now() - running.started);
  clearInterval(running.timer);
  running = null;
  ui.send.disabled = false;
  ui.cancel.disabled = true;
  document.body.classList.remove('busy');
  ui.progress.dataset.state = 'done';

  if (failure) {
    ui.progress.dataset.state = 'failed';
    ui.statusLine.textContent = failure === 'cancelled' ? 'Cancelled.' : `Failed after ${elapsed}.`;
    if (failure !== 'cancelled')
      showError(status, 'The request did not complete', failure, '');
    return;
  }
  const b = obj(body);
  if (status !== 200 || b.error) {
    ui.progress.dataset.state = 'failed';
    ui.statusLine.textContent = `Answered ${status} after ${elapsed}.`;
    showHttpError(status, b, retryAfter);
    return;
  }
  setFieldMsg(ui.key, '');
  progressFromTimings(b.timings);
  const verdict = str(obj(b.security_report).verdict, 'unknown');
  ui.statusLine.textContent = `Done in ${elapsed}: verdict ${verdict}.`;
  showAnswer(ep, lang, b);
}

/* -------------------------------------------------------------- start */

async function serverInfo() {
  const out = $('server-info');
  try {
    const res = await fetch('/healthz', { cache: 'no-store', credentials: 'omit' });
    const h = obj(await res.json());
    out.textContent = res.ok ? `Server ${str(h.version, '?')} · ${str(h.status, '?')}` : `Server answered ${res.status}`;
    out.dataset.state = res.ok ? 'ok' : 'bad';
  } catch {
    out.textContent = 'Server unreachable';
    out.dataset.state = 'bad';
  }
}

showFields();
serverInfo();
document.body.dataset.ready = 'true';

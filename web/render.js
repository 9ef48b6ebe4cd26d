// Rendering of an answer: the code with line numbers, highlighting and
// findings marked on their lines; the verdict badge; the findings table; the
// checks' sections; the repair rounds; the execution results; the timings.
//
// Everything here reads untrusted JSON from the server. Each field is checked
// for its type before use (str/num/arr/obj), every class name derived from
// a value comes from a fixed list, and every text goes in as a text node.

import { el, append, clear, str, num, arr, obj, formatMs } from './dom.js';
import { tokenize, splitLines } from './highlight.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const VERDICTS = {
  pass: { icon: '✓', label: 'Pass', text: 'every check ran and found nothing to report' },
  warn: { icon: '!', label: 'Warn', text: 'look before you use it' },
  block: { icon: '✕', label: 'Block', text: 'the checks found something that must not run' },
};
const SECTION_STATES = ['ok', 'unavailable', 'error'];
const SECTION_NAMES = {
  prompt: 'Prompt guard',
  ast_validation: 'AST policy',
  static_analysis: 'Static analysis',
};

// Whether `v` is a string naming one of `table`'s own keys.
function known(table, v) {
  return typeof v === 'string' && Object.hasOwn(table, v);
}

// Severity as a known name (for class names), "unknown" otherwise.
export function severity(v) {
  return typeof v === 'string' && SEVERITIES.includes(v) ? v : 'unknown';
}

function sevRank(s) {
  return SEVERITIES.indexOf(s);
}

/*
 * One finding from untrusted JSON, with every field of the right type. Lines
 * are 1-based; 0 (or anything invalid) means "not tied to a line".
 */
export function normalizeFinding(f, section) {
  const o = obj(f);
  const int = (v) => (Number.isInteger(v) && v > 0 ? v : 0);
  return {
    tool: str(o.tool),
    rule: str(o.rule),
    category: str(o.category),
    severity: severity(o.severity),
    line: int(o.line),
    column: int(o.column),
    message: str(o.message),
    cwe: str(o.cwe),
    section,
  };
}

// The findings of both checkers, worst first, then by line.
export function collectFindings(report) {
  const r = obj(report);
  const out = [];
  for (const name of ['ast_validation', 'static_analysis'])
    for (const f of arr(obj(r[name]).findings))
      out.push(normalizeFinding(f, name));
  return out.sort((a, b) => sevRank(b.severity) - sevRank(a.severity) || a.line - b.line);
}

function findingSummary(f) {
  const where = f.line ? `line ${f.line}${f.column ? `:${f.column}` : ''}` : 'whole code';
  const cwe = f.cwe ? ` (${f.cwe})` : '';
  return `${f.severity} · ${f.rule || 'finding'}${f.tool ? ` [${f.tool}]` : ''} at ${where}: ${f.message}${cwe}`;
}

// A link to MITRE's page for a CWE id such as "CWE-78"; plain text otherwise.
function cweNode(cwe) {
  const m = /^CWE-(\d{1,6})$/.exec(cwe);
  if (!m)
    return cwe || '–';
  return el('a', {
    href: `https://cwe.mitre.org/data/definitions/${m[1]}.html`,
    target: '_blank',
    rel: 'noopener noreferrer',
  }, cwe);
}

function sevTag(s) {
  return el('span', { class: `sev sev-${s}` }, s);
}

/* ----------------------------------------------------------------- code */

/*
 * Fill `view` with `code` in language `lang`: numbered, highlighted lines;
 * each line with findings gets a marker (its tooltip lists them) and a note
 * under it. Returns the number of lines.
 */
export function renderCode(view, code, lang, findings) {
  clear(view);
  const byLine = new Map();
  for (const f of findings) {
    if (!f.line)
      continue;
    if (!byLine.has(f.line))
      byLine.set(f.line, []);
    byLine.get(f.line).push(f);
  }
  const lines = splitLines(tokenize(code, lang));
  const codeEl = el('code');
  lines.forEach((tokens, k) => {
    const n = k + 1;
    const fs = byLine.get(n);
    const line = el('span', { class: 'line', id: `L${n}`, dataset: { n: String(n) } });
    if (fs) {
      const worst = fs.reduce((w, f) => (sevRank(f.severity) > sevRank(w) ? f.severity : w), 'unknown');
      line.classList.add('flagged', `sev-${worst}`);
      line.tabIndex = -1;
      const summary = fs.map(findingSummary).join('\n');
      line.append(el('span', {
        class: `marker sev-${worst}`,
        role: 'img',
        title: summary,
        'aria-label': `${fs.length} finding${fs.length > 1 ? 's' : ''} on line ${n}: ${summary}`,
      }, worst === 'critical' || worst === 'high' ? '▲' : '●'));
    }
    for (const t of tokens)
      line.append(t.type === 'plain' ? document.createTextNode(t.text) : el('span', { class: `tok-${t.type}` }, t.text));
    codeEl.append(line);
    for (const f of fs || []) {
      codeEl.append(el('span', { class: `note sev-${f.severity}`, role: 'note', dataset: { line: String(n) } },
        el('span', { class: 'note-sev' }, f.severity),
        ' ', el('strong', {}, f.rule || 'finding'),
        f.tool ? ` (${f.tool})` : '', ': ', f.message,
        f.cwe ? ` · ${f.cwe}` : ''));
    }
  });
  view.append(el('pre', {
    class: 'code',
    tabindex: '0',
    'aria-label': `${lang} code, ${lines.length} line${lines.length === 1 ? '' : 's'}`,
  }, codeEl));
  return lines.length;
}

// Scroll the code view to line `n` and flash it.
export function showLine(n) {
  const line = document.getElementById(`L${n}`);
  if (!line)
    return;
  line.scrollIntoView({ block: 'center', behavior: 'smooth' });
  line.tabIndex = -1;
  line.focus({ preventScroll: true });
  line.classList.remove('flash');
  void line.offsetWidth; // restart the animation
  line.classList.add('flash');
}

/* -------------------------------------------------------------- verdict */

// The badge: a known verdict gets its colour and icon; anything else is grey.
export function renderVerdict(badge, reasonEl, report) {
  const r = obj(report);
  const v = known(VERDICTS, r.verdict) ? r.verdict : 'unknown';
  const info = VERDICTS[v] || { icon: '?', label: 'Unknown', text: 'the server sent no verdict' };
  badge.className = `badge verdict-${v}`;
  badge.dataset.verdict = v;
  clear(badge);
  append(badge, [el('span', { class: 'badge-icon', 'aria-hidden': 'true' }, info.icon), ` ${info.label}`]);
  badge.title = info.text;
  const reason = str(r.reason);
  reasonEl.textContent = reason || (v === 'pass' ? info.text : '');
}

/* ------------------------------------------------------------- findings */

/*
 * Fill the findings table body; onLine(n) is called when the user picks a
 * finding's line. Returns the number of findings.
 */
export function renderFindings(tbody, findings, onLine) {
  clear(tbody);
  for (const f of findings) {
    let lineCell = '–';
    if (f.line) {
      lineCell = el('button', { type: 'button', class: 'line-link', title: `Show line ${f.line} in the code` },
        String(f.line) + (f.column ? `:${f.column}` : ''));
      lineCell.addEventListener('click', () => onLine(f.line));
    }
    tbody.append(el('tr', { class: `sev-${f.severity}` },
      el('td', {}, sevTag(f.severity)),
      el('td', {}, el('code', {}, f.rule || '–')),
      el('td', {}, f.tool || '–'),
      el('td', { class: 'num' }, lineCell),
      el('td', {}, f.message),
      el('td', {}, cweNode(f.cwe))));
  }
  return findings.length;
}

// One line per check: its status, why it did not run, the tools and times.
export function renderSections(list, report) {
  clear(list);
  const r = obj(report);
  for (const name of ['prompt', 'ast_validation', 'static_analysis']) {
    if (!Object.hasOwn(r, name))
      continue;
    const s = obj(r[name]);
    const status = SECTION_STATES.includes(s.status) ? s.status : 'unknown';
    const parts = [];
    if (name === 'prompt') {
      if (typeof s.verdict === 'string')
        parts.push(`verdict ${s.verdict}`);
      if (num(s.score) !== null)
        parts.push(`score ${num(s.score).toFixed(2)}`);
    } else {
      const tools = arr(s.tools).map((t) => {
        const o = obj(t);
        return `${str(o.name, '?')}${o.version ? ` ${str(o.version)}` : ''} (${formatMs(num(o.ms))})`;
      });
      if (tools.length)
        parts.push(tools.join(', '));
      parts.push(`${arr(s.findings).length} finding${arr(s.findings).length === 1 ? '' : 's'}`);
    }
    list.append(el('li', { class: `section-${status}`, dataset: { section: name } },
      el('span', { class: 'section-name' }, SECTION_NAMES[name]),
      ' ', el('span', { class: `state state-${status}` }, status),
      parts.length ? ` · ${parts.join(' · ')}` : '',
      s.error ? el('span', { class: 'section-why' }, ` · ${str(s.error)}`) : ''));
  }
}

/* -------------------------------------------------------------- repairs */

// The repair rounds: what triggered each, what it found and the verdict after.
export function renderRepairs(list, report) {
  clear(list);
  const rounds = arr(obj(report).repairs);
  rounds.forEach((round, k) => {
    const o = obj(round);
    const n = Number.isInteger(o.round) ? o.round : k + 1;
    const v = known(VERDICTS, o.verdict) ? o.verdict : 'unknown';
    const findings = arr(o.findings).map((f) => normalizeFinding(f, 'repair'));
    const items = findings.map((f) => el('li', {},
      sevTag(f.severity), ' ', el('code', {}, f.rule || '–'),
      f.line ? ` line ${f.line}` : '', `: ${f.message}`));
    list.append(el('li', { class: 'repair', dataset: { round: String(n) } },
      el('span', { class: 'repair-title' }, `Round ${n}`),
      ` · trigger: ${str(o.trigger, 'unknown')} · verdict `,
      el('span', { class: `badge small verdict-${v}` }, v),
      ` · ${findings.length} finding${findings.length === 1 ? '' : 's'} sent back`,
      items.length ? el('ul', { class: 'repair-findings' }, items) : ''));
  });
  return rounds.length;
}

/* ------------------------------------------------------------ execution */

const EXEC_LABELS = {
  ok: 'ok',
  runtime_error: 'runtime error',
  timeout: 'killed at the time limit',
  memory_limit: 'killed at the memory limit',
  output_limit: 'output over the limit',
  killed: 'killed',
  not_run: 'not run',
};

/*
 * Fill the execution facts list and the output and errors boxes. Returns
 * false when the answer has no execution results (/complete).
 */
export function renderExecution(facts, outputEl, errorsEl, execution) {
  clear(facts);
  if (!execution || typeof execution !== 'object') {
    outputEl.textContent = '';
    errorsEl.textContent = '';
    return false;
  }
  const e = obj(execution);
  const status = str(e.status, 'unknown');
  const fact = (label, value, cls) => {
    facts.append(el('div', { class: 'fact' }, el('dt', {}, label), el('dd', { class: cls }, value)));
  };
  const ran = status !== 'not_run';
  const statusCell = el('dd', {
    class: `exec-status exec-${known(EXEC_LABELS, status) ? status : 'unknown'}`,
    title: status,
    dataset: { status },
  }, known(EXEC_LABELS, status) ? EXEC_LABELS[status] : status);
  facts.append(el('div', { class: 'fact' }, el('dt', {}, 'Status'), statusCell));
  if (e.reason)
    fact('Why', str(e.reason));
  fact('Compilation', str(e.compilation_status, '–').replace('_', ' '));
  fact('Exit code', num(e.exit_code) === null ? '–' : String(num(e.exit_code)));
  if (num(e.signal) !== null)
    fact('Signal', String(num(e.signal)));
  fact('Wall time', ran ? formatMs(num(e.wall_ms)) : '–');
  fact('CPU time', ran ? formatMs(num(e.cpu_ms)) : '–');
  fact('Peak memory', ran && num(e.max_rss_kb) !== null ? `${(num(e.max_rss_kb) / 1024).toFixed(1)} MiB` : '–');
  if (e.output_truncated === true)
    fact('Output', 'cut at the limit', 'exec-truncated');
  outputEl.textContent = str(e.output);
  errorsEl.textContent = str(e.errors);
  outputEl.classList.toggle('empty', !str(e.output));
  errorsEl.classList.toggle('empty', !str(e.errors));
  return true;
}

/* -------------------------------------------------------------- timings */

// A row per stage with a bar scaled to the total.
export function renderTimings(tbody, timings) {
  clear(tbody);
  const t = obj(timings);
  const total = num(t.total);
  const rows = Object.entries(t).filter(([k, v]) => k !== 'total' && num(v) !== null);
  const scale = total || Math.max(1, ...rows.map(([, v]) => v));
  for (const [stage, ms] of rows) {
    const bar = el('span', { class: 'bar' });
    bar.style.setProperty('--w', `${Math.min(100, (100 * ms) / scale).toFixed(1)}%`);
    tbody.append(el('tr', { dataset: { stage } },
      el('th', { scope: 'row' }, stage), el('td', { class: 'num' }, formatMs(ms)), el('td', { class: 'bar-cell' }, bar)));
  }
  if (total !== null)
    tbody.append(el('tr', { class: 'total' },
      el('th', { scope: 'row' }, 'total'), el('td', { class: 'num' }, formatMs(total)), el('td')));
}

// Browser tests of the playground page: Debian's headless Chromium, driven by
// playwright-core, against the real `skitty serve` (and the fake model) on
// loopback. Prints TAP.
//
//   node tests/web/test-web.mjs BUILD/skitty BUILD/tests/api/fake-openai OUT_DIR
//
// Scenarios: generate Python and see the verdict badge, the code and the
// execution output; hostile code to /debug gives the block badge and the
// finding marked on its line (and the code withheld by default); the
// progress line fills from the event stream while the model works; a server
// with API keys (401 shown, key in sessionStorage only); hostile text from
// the model, an error and a forged stream is shown as text and never run.
// Screenshots go to OUT_DIR and are checked.
//
// Until the checks and the sandbox are built, the server reports them as
// "not built yet"; the assertions that need them are then reported as TODO
// (expected failures) and become ordinary assertions once they are there.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Tap, skipAll, CHROMIUM, VIEWPORT, startServer, startFakeModel, fakeModelConfig,
  launchBrowser, pngSize, readPng, sha256,
} from './lib.mjs';

const [skitty, fakeOpenai, outDir] = process.argv.slice(2);
if (!skitty || !fakeOpenai || !outDir) {
  console.error('usage: test-web.mjs SKITTY FAKE_OPENAI OUT_DIR');
  process.exit(2);
}
if (!existsSync(CHROMIUM))
  skipAll(`${CHROMIUM} is not installed (Debian package chromium; scripts/install-deps.sh installs it)`);

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('Bail out! playwright-core is missing: run scripts/install-deps.sh (npm ci)');
  console.error(e.message);
  process.exit(1);
}

const t = new Tap();
const shotDir = join(outDir, 'screenshots');
mkdirSync(shotDir, { recursive: true });
const WAIT = 180000; // the full pipeline (analysers, sandbox) on a busy machine

const NOT_BUILT = /not built yet/;
const KEY = 'alice-secret';
const EVIL_MARK = '<img src=x onerror=window.__xss=1>';

/* ------------------------------------------------------------ helpers */

// Console errors, page errors and CSP or Trusted Types violations, per page.
function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error')
      return;
    // A refused request (401, 400...) is logged by the browser; that is expected.
    if (/Failed to load resource: the server responded with a status of/.test(m.text()))
      return;
    problems.push(`console: ${m.text()}`);
  });
}

async function openPage(context, url, problems) {
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function fill(page, { endpoint = 'generate', language = 'python', prompt, code, error }) {
  await page.check(`input[name="endpoint"][value="${endpoint}"]`);
  await page.selectOption('#language', language);
  if (prompt !== undefined)
    await page.fill('#prompt', prompt);
  if (code !== undefined)
    await page.fill('#code', code);
  if (error !== undefined)
    await page.fill('#error', error);
}

// Wait until the request in flight has ended (answer or error shown).
async function settled(page) {
  await page.waitForFunction(() => !document.body.classList.contains('busy') &&
    (!document.getElementById('answer').hidden || !document.getElementById('error-box').hidden),
  null, { timeout: WAIT });
}

async function send(page) {
  await page.click('#send');
  await settled(page);
}

// The answer as the page received it (its raw JSON view).
async function rawAnswer(page) {
  try {
    return JSON.parse(await page.textContent('#raw'));
  } catch {
    return {};
  }
}

async function visible(page, selector) {
  return page.locator(selector).first().isVisible();
}

async function bgColor(page, selector) {
  return page.$eval(selector, (e) => getComputedStyle(e).backgroundColor);
}

// Is the CSS colour "rgb(r, g, b)" mostly green, amber or red?
function hue(rgb) {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb || '');
  if (!m)
    return 'none';
  const [r, g, b] = m.slice(1).map(Number);
  if (g > r && g > b)
    return 'green';
  if (r > 150 && g > 100 && b < 100)
    return 'amber';
  if (r > g * 1.5 && r > b * 1.5)
    return 'red';
  return 'other';
}
const VERDICT_HUE = { pass: 'green', warn: 'amber', block: 'red' };

// Take a viewport screenshot and check it is a PNG of the viewport's size.
async function shot(page, name) {
  const path = join(shotDir, name);
  await page.screenshot({ path });
  const png = readPng(path);
  const size = pngSize(png);
  t.ok(size && size.width === VIEWPORT.width && size.height === VIEWPORT.height && png.length > 10000,
    `screenshot ${name} is a ${VIEWPORT.width}x${VIEWPORT.height} PNG`,
    { diag: { size, bytes: png.length } });
}

function missing(answer) {
  const rep = answer.security_report || {};
  const checks = [rep.ast_validation, rep.static_analysis].some((s) => NOT_BUILT.test((s && s.error) || ''));
  const sandbox = NOT_BUILT.test((answer.execution_results && answer.execution_results.reason) || '');
  return {
    checks: checks ? 'the AST policy and analysers are not built in this tree' : null,
    sandbox: sandbox || checks ? 'the checks and the sandbox are not built in this tree' : null,
  };
}

/* ---------------------------------------------------------- scenarios */

async function scenarioGenerate(context, fake, problems) {
  const srv = await startServer(skitty, fakeModelConfig(fake.port, 'ok-python'));
  try {
    const page = await openPage(context, srv.url, problems);
    t.ok(await page.evaluate(() => [...document.querySelectorAll('input:not([type=radio]), select, textarea')]
      .every((e) => e.labels && e.labels.length > 0)), 'every field of the form has a label');
    t.ok(/Server \d/.test(await page.textContent('#server-info')), 'the header shows the server version');

    await fill(page, { prompt: 'Write a function that reverses a string, and print it for "kitty".' });
    // Send with the keyboard: Ctrl+Enter in the prompt.
    await page.focus('#prompt');
    await page.keyboard.press('Control+Enter');
    await settled(page);
    const answer = await rawAnswer(page);
    const todo = missing(answer);

    t.ok(await visible(page, '#verdict'), 'generate: the verdict badge is visible');
    const verdict = await page.getAttribute('#verdict', 'data-verdict');
    t.ok(['pass', 'warn', 'block'].includes(verdict), `generate: the badge shows a verdict (${verdict})`);
    t.is(hue(await bgColor(page, '#verdict')), VERDICT_HUE[verdict], `generate: the ${verdict} badge has its colour`);
    t.is(verdict, 'pass', 'generate: the verdict is pass', { todo: todo.checks });
    t.is(hue(await bgColor(page, '#verdict')), 'green', 'generate: the pass badge is green', { todo: todo.checks });

    t.is(await page.locator('#code-view .line').count(), 4, 'generate: the code is shown as 4 numbered lines');
    t.is(await page.getAttribute('#L1', 'data-n'), '1', 'generate: line 1 carries its number');
    t.ok(/def reverse\(s\):/.test(await page.textContent('#L1')), 'generate: line 1 is the function definition');
    t.is(await page.textContent('#L1 .tok-kw'), 'def', 'generate: keywords are highlighted');
    t.is(await page.textContent('#L4 .tok-str'), '"kitty"', 'generate: strings are highlighted');

    t.ok(await visible(page, '#exec-block'), 'generate: the execution section is visible');
    t.is(await page.getAttribute('#exec-facts .exec-status', 'data-status'), 'ok',
      'generate: the sandbox run ended ok', { todo: todo.sandbox });
    t.ok(/yttik/.test(await page.textContent('#exec-output')), 'generate: the output shows "yttik"',
      { todo: todo.sandbox });
    t.ok(await visible(page, '#no-findings'), 'generate: no findings are listed', { todo: todo.checks });
    t.ok(await visible(page, '#timings tr[data-stage="model"]'), 'generate: the timings list the model stage');
    t.ok(await visible(page, '#progress li[data-stage="model"][data-state="done"]'),
      'generate: the progress line shows the model stage done');
    t.ok(/Done in .*verdict/.test(await page.textContent('#status-line')), 'generate: the status line says done');
    const curl = await page.textContent('#curl');
    t.ok(/curl .*\/generate'/.test(curl) && curl.includes('"language":"python"'), 'generate: the curl box holds the same request');
    await shot(page, 'web-generate.png');
    await page.close();
  } finally {
    await srv.stop();
  }
}

const HOSTILE = 'import os\nos.system("id")\n';

async function scenarioDebugBlock(context, fake, problems) {
  // The model answers with code that calls eval (line 2) and os.system
  // (line 3). With withhold_blocked off the page gets the code and marks it.
  const srv = await startServer(skitty, `${fakeModelConfig(fake.port, 'ok-evil')}[pipeline]\nwithhold_blocked = false\n`);
  try {
    const page = await openPage(context, srv.url, problems);
    await fill(page, { endpoint: 'debug', code: HOSTILE, error: 'it prints nothing' });
    t.ok(await visible(page, '#code') && await visible(page, '#error') && !(await visible(page, '#prompt')),
      'debug: the form shows code and error boxes, not the prompt');
    await send(page);
    const answer = await rawAnswer(page);
    const todo = missing(answer);

    const verdict = await page.getAttribute('#verdict', 'data-verdict');
    t.is(verdict, 'block', 'debug: the verdict badge says block', { todo: todo.checks });
    t.is(hue(await bgColor(page, '#verdict')), 'red', 'debug: the block badge is red', { todo: todo.checks });
    t.ok((await page.textContent('#verdict-reason')).trim().length > 0, 'debug: the badge comes with a reason');

    const flagged = await page.$$eval('#code-view .line.flagged', (ls) => ls.map((l) => Number(l.dataset.n)));
    t.ok(flagged.includes(3) || flagged.includes(2), `debug: the eval / os.system lines are marked (${flagged})`,
      { todo: todo.checks });
    const tableLines = await page.$$eval('#findings tbody .line-link', (bs) => bs.map((b) => parseInt(b.textContent, 10)));
    t.ok(flagged.every((n) => tableLines.includes(n)), 'debug: every marked line has its finding in the table');
    t.ok(await page.$$eval('#code-view .line.flagged .marker', (ms) => ms.every((m) => m.title.length > 0)),
      'debug: every marker has a tooltip');
    t.is(await page.locator('#code-view .note').count(), tableLines.length,
      'debug: one note under the code per finding with a line');
    if (flagged.length) {
      const n = flagged[0];
      await page.click(`#findings .line-link >> text=/^${n}(:|$)/`);
      t.is(await page.evaluate(() => document.activeElement && document.activeElement.id), `L${n}`,
        'debug: picking a finding\'s line focuses that line of the code');
    } else {
      t.ok(false, 'debug: picking a finding\'s line focuses that line of the code', { todo: todo.checks });
    }
    t.is(await page.getAttribute('#exec-facts .exec-status', 'data-status'), 'not_run',
      'debug: blocked code is not run');
    t.ok((await page.textContent('#exec-facts')).includes('Why'), 'debug: the execution says why it did not run');
    t.is(await page.locator('#repairs > li').count(), (answer.security_report?.repairs || []).length,
      'debug: every repair round of the answer is listed');
    await page.locator('#verdict').scrollIntoViewIfNeeded();
    await shot(page, 'web-debug-block.png');
    await page.close();
  } finally {
    await srv.stop();
  }

  // The default: blocked code is withheld, and the page says so.
  const srv2 = await startServer(skitty, fakeModelConfig(fake.port, 'ok-evil'));
  try {
    const page = await openPage(context, srv2.url, problems);
    await fill(page, { endpoint: 'debug', code: HOSTILE, error: 'it prints nothing' });
    await send(page);
    const todo = missing(await rawAnswer(page));
    t.ok(await visible(page, '#withheld'), 'debug (default config): the page says the code was withheld',
      { todo: todo.checks });
    t.ok(await visible(page, '#findings tbody tr'), 'debug (default config): the findings are still listed',
      { todo: todo.checks });
    await page.close();
  } finally {
    await srv2.stop();
  }
}

async function scenarioProgress(context, fake, problems) {
  // "slow": the model answers after 2 s, so the stream shows it running.
  const srv = await startServer(skitty, fakeModelConfig(fake.port, 'slow'));
  try {
    const page = await openPage(context, srv.url, problems);
    // Record every state the progress line goes through.
    await page.evaluate(() => {
      window.__progress = [];
      new MutationObserver(() => {
        const chips = [...document.querySelectorAll('#progress li')].map((c) => `${c.dataset.stage}:${c.dataset.state}`);
        window.__progress.push({ chips: chips.join(' '), answer: !document.getElementById('answer').hidden });
      }).observe(document.getElementById('progress'), { subtree: true, childList: true, attributes: true });
    });
    await fill(page, { prompt: 'reverse a string' });
    await page.click('#send');
    await page.waitForSelector('#progress li[data-stage="model"][data-state="running"]', { timeout: WAIT });
    t.ok(!(await visible(page, '#answer')), 'progress: the model stage shows running before the answer is there');
    t.ok(/Running: model/.test(await page.textContent('#status-line')), 'progress: the status line names the running stage');
    t.ok(await page.isDisabled('#send') && !(await page.isDisabled('#cancel')),
      'progress: Send is disabled and Cancel enabled while it runs');
    await shot(page, 'web-progress.png');
    await settled(page);
    const seen = await page.evaluate(() => window.__progress);
    t.ok(seen.some((s) => /model:running/.test(s.chips) && !s.answer) &&
      seen.some((s) => /model:done/.test(s.chips)), 'progress: the model stage went from running to done');
    const ms = await page.textContent('#progress li[data-stage="model"] .chip-ms');
    t.ok(/^\d+(\.\d+)? (ms|s)$/.test(ms) && parseFloat(ms) > 0, `progress: the done stage shows its time (${ms})`);
    const chips = await page.$$eval('#progress li', (cs) => cs.map((c) => c.dataset.stage));
    t.ok(chips.length >= 2 && chips.indexOf('model') >= 0, `progress: the line lists the stages (${chips.join(', ')})`);
    t.ok(await visible(page, '#answer'), 'progress: the answer follows the stages');

    // Cancel: a second slow request stopped halfway leaves the page usable.
    await page.click('#send');
    await page.waitForSelector('#progress li[data-stage="model"][data-state="running"]', { timeout: WAIT });
    await page.click('#cancel');
    await page.waitForFunction(() => !document.body.classList.contains('busy'), null, { timeout: WAIT });
    t.ok(/Cancelled/.test(await page.textContent('#status-line')) && !(await page.isDisabled('#send')),
      'progress: Cancel stops the request and the form can send again');
    await page.close();
  } finally {
    await srv.stop();
  }
}

async function scenarioModelDown(context, fake, problems) {
  // The model backend fails: the stream ends with status 502 and the page
  // shows the error after the stages it saw.
  const srv = await startServer(skitty, fakeModelConfig(fake.port, '500'));
  try {
    const page = await openPage(context, srv.url, problems);
    await fill(page, { prompt: 'reverse a string' });
    await send(page);
    t.is(await page.getAttribute('#error-box', 'data-status'), '502', 'model down: the page shows the 502 from the stream');
    t.ok(/^502 /.test(await page.textContent('#error-title')) && /model/i.test(await page.textContent('#error-hint')),
      'model down: the error says the model backend failed');
    t.ok(await visible(page, '#progress li[data-stage="model"][data-state="done"]'),
      'model down: the progress line still shows the model stage');
    t.ok(!(await visible(page, '#answer')), 'model down: no answer is shown');
    await page.close();
  } finally {
    await srv.stop();
  }
}

async function scenarioKeys(context, fake, problems) {
  const config = `${fakeModelConfig(fake.port, 'ok-python')}[keys]\nalice = sha256:${sha256(KEY)}\n`;
  const srv = await startServer(skitty, config);
  try {
    const page = await openPage(context, srv.url, problems);
    const sent = [];
    page.on('request', (r) => {
      if (r.method() === 'POST')
        sent.push({ url: r.url(), auth: r.headers().authorization || null });
    });
    await fill(page, { prompt: 'reverse a string' });
    await send(page);
    t.ok(await visible(page, '#error-box'), 'keys: without a key the page shows an error');
    t.is(await page.getAttribute('#error-box', 'data-status'), '401', 'keys: the error is the 401');
    t.ok(/^401 Unauthorized/.test(await page.textContent('#error-title')), 'keys: the error title says 401 Unauthorized');
    t.ok(/API key/.test(await page.textContent('#error-hint')), 'keys: the hint asks for the API key');
    t.is(await page.getAttribute('#api-key', 'aria-invalid'), 'true', 'keys: the key field is marked invalid');
    t.is(await page.evaluate(() => document.activeElement.id), 'api-key', 'keys: the key field has the focus');
    t.ok(!(await visible(page, '#answer')), 'keys: no answer is shown for the 401');
    await shot(page, 'web-401.png');

    await page.fill('#api-key', KEY);
    await send(page);
    t.ok(await visible(page, '#answer') && !(await visible(page, '#error-box')), 'keys: with the key the request succeeds');
    t.ok(await visible(page, '#verdict'), 'keys: the answer has its verdict badge');
    const last = sent[sent.length - 1] || {};
    t.is(last.auth, `Bearer ${KEY}`, 'keys: the key is sent as a Bearer token');
    t.ok(sent.every((r) => !r.url.includes(KEY)), 'keys: the key is never in a URL');
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem('skitty.apiKey'),
      local: localStorage.length,
      cookie: document.cookie,
      url: location.href,
    }));
    t.is(storage.session, KEY, 'keys: the key is in sessionStorage');
    t.is(storage.local, 0, 'keys: localStorage is empty');
    t.is(storage.cookie, '', 'keys: no cookie is set');
    t.ok(!storage.url.includes(KEY), 'keys: the key is not in the page URL');
    const cookies = await context.cookies();
    t.is(cookies.length, 0, 'keys: the browser holds no cookie for the page');
    t.ok(!(await page.textContent('#curl')).includes(KEY), 'keys: the curl box does not show the key');

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    t.is(await page.inputValue('#api-key'), KEY, 'keys: the key survives a reload of the tab');
    const other = await openPage(context, srv.url, problems);
    t.is(await other.inputValue('#api-key'), '', 'keys: a new tab does not see the key');
    await other.close();

    await page.fill('#api-key', 'not-the-key');
    await fill(page, { prompt: 'reverse a string' });
    await send(page);
    t.ok(/did not accept/.test(await page.textContent('#error-hint')), 'keys: a wrong key gets its own hint');
    await page.click('#forget-key');
    t.is(await page.evaluate(() => sessionStorage.getItem('skitty.apiKey')), null, 'keys: Forget removes the key');
    t.is(await page.inputValue('#api-key'), '', 'keys: Forget empties the field');
    await page.close();
  } finally {
    await srv.stop();
  }
}

// Texts planted everywhere the page shows server data.
const forged = {
  stage: `<img src=x onerror=window.__xss=4>`,
  result: {
    request_id: '0123456789abcdef0123456789abcdef',
    model: `<img src=x onerror=window.__xss=5>`,
    code: `print("<b>bold</b>")\n${EVIL_MARK}\nx = 1\n`,
    withheld: false,
    security_report: {
      verdict: 'warn',
      reason: `<img src=x onerror=window.__xss=6>`,
      prompt: { status: 'ok', verdict: 'allow', score: 0.1 },
      ast_validation: {
        status: 'ok', tools: [{ name: 'tree-sitter', version: '0.25', ms: 1.5 }],
        findings: [{ tool: 'ast', rule: `<i>rule</i>`, category: 'other', severity: 'low', line: 3,
          column: 1, message: 'a low one', cwe: null }],
      },
      static_analysis: {
        status: 'error', error: `<img src=x onerror=window.__xss=7>`, tools: [],
        findings: [
          { tool: '<u>tool</u>', rule: 'B999', category: 'other', severity: 'critical', line: 2, column: 4,
            message: `<img src=x onerror=window.__xss=8>`, cwe: 'javascript:alert(1)' },
          { tool: 'bandit', rule: 'B605', category: 'process', severity: 'high', line: 2, column: 0,
            message: 'starting a process with a shell', cwe: 'CWE-78' },
          { tool: 'bandit', rule: 'B000', category: 'other', severity: 'bogus', line: 0, column: 0,
            message: 'no line', cwe: '' },
        ],
      },
      repairs: [
        { round: 1, trigger: 'block', verdict: 'block', findings: [{ tool: 'ast', rule: 'eval', severity: 'high', line: 1, message: `<img src=x onerror=window.__xss=9>` }] },
        { round: 2, trigger: 'warn', verdict: 'warn', findings: [] },
      ],
    },
    execution_results: {
      output: `<img src=x onerror=window.__xss=10>`, errors: '<script>window.__xss=11</script>',
      compilation_status: 'success', status: 'ok', exit_code: 0, signal: null, wall_ms: 12, cpu_ms: 8,
      max_rss_kb: 9000, output_truncated: true,
    },
    timings: { '<img src=x onerror=window.__xss=12>': 3, model: 10, total: 15 },
  },
};

function forgedStream() {
  const ev = (name, data) => `event: ${name}\r\ndata: ${JSON.stringify(data)}\r\n\r\n`;
  return ev('stage', { stage: forged.stage, state: 'start' }) +
    ': a comment line\n\n' +
    ev('stage', { stage: forged.stage, state: 'end', ms: 1 }) +
    ev('stage', { stage: 'model', state: 'start' }) +
    ev('stage', { stage: 'model', state: 'end', ms: 5 }) +
    ev('status', { status: 200 }) +
    ev('result', forged.result);
}

async function noInjection(page, where) {
  const found = await page.evaluate(() => ({
    xss: window.__xss,
    // The page's only image is the logo; anything else was injected.
    imgs: document.querySelectorAll('img:not(.brand img)').length,
    scripts: [...document.scripts].filter((s) => !/\/web\/app\.js$/.test(s.src)).length,
    markup: document.querySelectorAll('#result b, #result i, #result u').length,
  }));
  t.ok(found.xss === undefined && found.imgs === 0 && found.scripts === 0 && found.markup === 0,
    `xss: ${where}: nothing from the server became markup or ran`, { diag: found });
}

async function scenarioXss(context, fake, problems) {
  // 1. A real model reply carrying the planted text: the echo model returns
  //    the request's messages inside a Python block.
  const srv = await startServer(skitty, fakeModelConfig(fake.port, 'echo-user'));
  try {
    const page = await openPage(context, srv.url, problems);
    await fill(page, { endpoint: 'complete', code: `# ${EVIL_MARK}\n<script>window.__xss=2</script>\n` });
    await send(page);
    await noInjection(page, 'model reply');
    t.ok((await page.textContent('#code-view')).includes(EVIL_MARK), 'xss: the model reply shows the planted tag as text');
    t.ok(await visible(page, '#no-exec'), 'complete: the page says /complete does not run code');

    // 2. An error message carrying it (the answer forged by the test).
    await page.route('**/generate', (route) => route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'bad_request', message: `bad ${EVIL_MARK}` }, request_id: 'x'.repeat(32) }),
    }));
    await fill(page, { endpoint: 'generate', prompt: 'anything' });
    await send(page);
    await noInjection(page, 'error message');
    t.is(await page.textContent('#error-message'), `bad ${EVIL_MARK} (bad_request)`, 'xss: the error message shows the tag as text');
    t.ok(/^400 /.test(await page.textContent('#error-title')), 'errors: a 400 is shown with its status');
    await page.unroute('**/generate');

    // 3. A forged event stream: hostile stage names and a hostile answer in
    //    every field the page renders.
    await page.route('**/generate', (route) => route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: forgedStream(),
    }));
    await send(page);
    await noInjection(page, 'forged stream');
    t.ok((await page.textContent('#progress')).includes(forged.stage), 'xss: a stage name is shown as text');
    t.is(await page.textContent('#verdict-reason'), forged.result.security_report.reason,
      'xss: the verdict reason is shown as text');
    t.ok((await page.textContent('#exec-output')) === forged.result.execution_results.output &&
      (await page.textContent('#exec-errors')) === forged.result.execution_results.errors,
    'xss: output and errors are shown as text');
    t.ok((await page.textContent('#meta')).includes(forged.result.model), 'xss: the model name is shown as text');

    // The same forged answer checks the rendering itself.
    t.is(hue(await bgColor(page, '#verdict')), 'amber', 'render: the warn badge is amber');
    const rows = await page.$$eval('#findings tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    t.ok(rows.length === 4 && rows[0][0] === 'critical' && rows[1][0] === 'high' && rows[2][0] === 'low' &&
      rows[3][0] === 'unknown', 'render: findings are listed worst first; an unknown severity is "unknown"', { diag: rows });
    t.ok(rows.every((r) => r.length === 6), 'render: each finding shows severity, rule, tool, line, message and CWE');
    t.is(rows[0][3], '2:4', 'render: the line column shows line:column');
    t.is(rows[3][3], '–', 'render: a finding without a line has no line link');
    const cwe = await page.$$eval('#findings tbody a', (as) => as.map((a) => a.getAttribute('href')));
    t.ok(cwe.length === 1 && cwe[0] === 'https://cwe.mitre.org/data/definitions/78.html',
      'render: only a well-formed CWE id becomes a link', { diag: cwe });
    const marks = await page.$$eval('#code-view .line.flagged', (ls) => ls.map((l) => `${l.dataset.n}:${l.className}`));
    t.ok(marks.length === 2 && /^2:.*sev-critical/.test(marks[0]) && /^3:.*sev-low/.test(marks[1]),
      'render: lines 2 and 3 are marked with their worst severity', { diag: marks });
    t.is(await page.locator('#code-view .note[data-line="2"]').count(), 2, 'render: line 2 has a note per finding');
    const title = await page.getAttribute('#L2 .marker', 'title');
    t.ok(title.includes('B605') && title.includes('<img src=x onerror=window.__xss=8>'), 'render: the marker tooltip lists the findings');
    t.is(await page.locator('#repairs > li').count(), 2, 'render: both repair rounds are listed');
    t.ok(/Round 1 · trigger: block/.test(await page.textContent('#repairs > li:first-child')),
      'render: a repair round shows its trigger');
    t.ok(/error/.test(await page.textContent('#sections li[data-section="static_analysis"]')),
      'render: a check that failed shows its status');
    t.ok(/cut at the limit/.test(await page.textContent('#exec-facts')), 'render: truncated output is flagged');
    t.is(await page.locator('#timings tr').count(), 3, 'render: one timing row per stage, then the total');
    await shot(page, 'web-forged.png');
    await page.unroute('**/generate');
    await page.close();
  } finally {
    await srv.stop();
  }
}

/* --------------------------------------------------------------- main */

const fake = await startFakeModel(fakeOpenai);
const browser = await launchBrowser(chromium);
const problems = [];
let status = 0;
try {
  for (const [name, fn] of [
    ['generate', scenarioGenerate],
    ['debug', scenarioDebugBlock],
    ['progress', scenarioProgress],
    ['model down', scenarioModelDown],
    ['keys', scenarioKeys],
    ['xss', scenarioXss],
  ]) {
    try {
      await fn(browser.context, fake, problems);
    } catch (e) {
      t.ok(false, `scenario ${name} ran to its end`, { diag: e.stack || String(e) });
    }
  }
  t.ok(problems.length === 0, 'no console errors, page errors or policy violations', { diag: problems.join('\n') });
  status = t.done();
} finally {
  await browser.close();
  await fake.stop();
}
process.exit(status);

// Benchmark of the playground page in headless Chromium: how long the page
// takes to load, and to render answers of growing size (up to the server's
// code cap, with and without findings), next to the cost of the lexer alone.
// Prints a markdown section for BENCHMARKS.md; never an assertion.
//
//   node tests/web/bench.mjs BUILD/skitty | scripts/bench-section.sh playground
//   (make bench-web)

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser } from './lib.mjs';
import { tokenize, splitLines } from '../../web/highlight.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [skitty] = process.argv.slice(2);
if (!skitty) {
  console.error('usage: bench.mjs SKITTY');
  process.exit(2);
}
const { chromium } = await import('playwright-core');
const RUNS = 9;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

const UNIT = 'def reverse(s):\n    """Reverse s."""\n    return s[::-1]  # slice\n\nprint(reverse("kitty"), 0x1F, 3.5e-2)\n';
function pythonCode(bytes) {
  return UNIT.repeat(Math.ceil(bytes / UNIT.length)).slice(0, bytes);
}

function answer(code, nfindings) {
  const lines = code.split('\n').length;
  const findings = Array.from({ length: nfindings }, (_, k) => ({
    tool: 'bandit', rule: `B${100 + k}`, category: 'other', severity: ['low', 'medium', 'high', 'critical'][k % 4],
    line: 1 + ((k * 7) % lines), column: 0, message: `finding number ${k}`, cwe: 'CWE-78',
  }));
  return {
    request_id: '0'.repeat(32), model: 'bench', code,
    security_report: {
      verdict: nfindings ? 'warn' : 'pass', static_analysis: { status: 'ok', tools: [], findings },
      ast_validation: { status: 'ok', tools: [], findings: [] }, repairs: [],
    },
    execution_results: {
      output: 'yttik\n', errors: '', compilation_status: 'success', status: 'ok', exit_code: 0,
      signal: null, wall_ms: 20, cpu_ms: 10, max_rss_kb: 9000, output_truncated: false,
    },
    timings: { model: 1, total: 2 },
  };
}

// Click Send and time until the answer is on screen (fetch, parse, render).
function timeSend(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const answer = document.getElementById('answer');
    answer.hidden = true;
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (!answer.hidden) {
        obs.disconnect();
        // The next frame: layout and paint included.
        requestAnimationFrame(() => resolve(performance.now() - t0));
      }
    });
    obs.observe(answer, { attributes: true });
    document.getElementById('send').click();
  }));
}

const server = await startServer(skitty, '[model]\nprovider = builtin\n');
const browser = await launchBrowser(chromium);
const rows = [];
let load;
try {
  const page = await browser.context.newPage();
  const loads = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    loads.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  }
  load = median(loads);
  await page.fill('#prompt', 'bench');
  for (const [bytes, nf] of [[1024, 0], [16384, 0], [131072, 0], [131072, 200]]) {
    const code = pythonCode(bytes);
    const body = JSON.stringify(answer(code, nf));
    await page.route('**/generate', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    const times = [];
    for (let i = 0; i < RUNS; i++)
      times.push(await timeSend(page));
    await page.unroute('**/generate');
    const lex = [];
    splitLines(tokenize(code, 'python')); // warm the JIT up first
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      splitLines(tokenize(code, 'python'));
      lex.push(performance.now() - t0);
    }
    rows.push({ bytes, lines: code.split('\n').length, nf, page: median(times), lex: median(lex) });
  }
} finally {
  await browser.close();
  await server.stop();
}

const machine = execFileSync(join(root, 'scripts', 'machine.sh')).toString().trim();
const chromiumVersion = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const out = [
  '## Playground page',
  '',
  `Machine: ${machine}. ${chromiumVersion}, headless, 1280x800. Command: \`make bench-web\` (median of ${RUNS} runs each).`,
  '',
  `Page load (navigation start to load event, all files from the server's memory): ${fmt(load)} ms.`,
  '',
  'Answer on screen: from the click on Send to the frame after the answer is shown (fetch of a canned answer, JSON parse, highlighting, DOM, layout). The lexer column is the highlighter alone under Node, for comparison.',
  '',
  '| code | lines | findings | answer on screen (ms) | lexer alone (ms) | lexer share |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.bytes / 1024} KiB | ${r.lines} | ${r.nf} | ${fmt(r.page)} | ${fmt(r.lex)} | ${(100 * r.lex / r.page).toFixed(0)} % |`),
];
console.log(out.join('\n'));

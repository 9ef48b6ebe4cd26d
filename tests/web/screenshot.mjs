// Take the README's screenshot of the playground: a real /generate on a
// fresh `skitty serve`, shown in Debian's headless Chromium.
//
//   node tests/web/screenshot.mjs BUILD/skitty BUILD/tests/api/fake-openai docs/playground.png
//   (make screenshot)
//
// The server uses the built-in offline model, as a fresh install does. When
// this tree's built-in model has no answer yet, it falls back to the test
// suite's fake OpenAI-compatible model (through the real `openai` provider)
// and says so.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CHROMIUM, startServer, startFakeModel, fakeModelConfig, launchBrowser, pngSize, readPng,
} from './lib.mjs';

const [skitty, fakeOpenai, out] = process.argv.slice(2);
if (!skitty || !out) {
  console.error('usage: screenshot.mjs SKITTY FAKE_OPENAI OUT.png');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`screenshot: ${CHROMIUM} is missing (scripts/install-deps.sh installs the chromium package)`);
  process.exit(1);
}
const { chromium } = await import('playwright-core');

const PROMPT = 'Write a function that reverses a string, and print it for "kitty".';
const WIDTH = 1280;
const MAX_HEIGHT = 1500;

// Send the prompt; resolves to the HTTP status the page saw (0: no answer).
async function generate(page) {
  await page.check('input[name="endpoint"][value="generate"]');
  await page.selectOption('#language', 'python');
  await page.fill('#prompt', PROMPT);
  await page.click('#send');
  await page.waitForFunction(() => !document.body.classList.contains('busy') &&
    (!document.getElementById('answer').hidden || !document.getElementById('error-box').hidden),
  null, { timeout: 180000 });
  if (!(await page.locator('#answer').isVisible()))
    return Number(await page.getAttribute('#error-box', 'data-status'));
  return 200;
}

const browser = await launchBrowser(chromium);
let fake = null;
let server = null;
let status = 1;
try {
  const page = await browser.context.newPage();
  server = await startServer(skitty, '[model]\nprovider = builtin\n');
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  let got = await generate(page);
  let source = 'the built-in offline model';
  if (got !== 200) {
    console.error(`screenshot: the built-in model answered ${got}; using the fake OpenAI-compatible model instead`);
    await server.stop();
    fake = await startFakeModel(fakeOpenai);
    server = await startServer(skitty, fakeModelConfig(fake.port, 'ok-python'));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    got = await generate(page);
    source = 'the fake OpenAI-compatible model';
  }
  if (got !== 200)
    throw new Error(`the request failed with ${got}`);
  // Let the fonts settle and the caret stop blinking into the picture.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.waitForTimeout(200);
  const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height } });
  const size = pngSize(readPng(out));
  const verdict = await page.getAttribute('#verdict', 'data-verdict');
  console.log(`screenshot: ${out} (${size.width}x${size.height}), verdict ${verdict}, answer from ${source}`);
  status = 0;
} finally {
  await browser.close();
  if (server)
    await server.stop();
  if (fake)
    await fake.stop();
}
process.exit(status);

// Shared helpers of the browser tests and the screenshot script: TAP output,
// the real `skitty serve` and the fake model on loopback, and Debian's
// Chromium driven by playwright-core (never a downloaded browser).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const VIEWPORT = { width: 1280, height: 800 };

/* ---------------------------------------------------------------- TAP */

export class Tap {
  constructor() {
    this.n = 0;
    this.failed = 0;
  }

  // One assertion. `todo` (a string) marks a failure as expected for that
  // reason: it is reported as "not ok ... # TODO" and does not fail the run.
  ok(cond, name, { todo = null, diag = null } = {}) {
    this.n++;
    const clean = String(name).replace(/[\r\n#]/g, ' ');
    if (cond) {
      console.log(`ok ${this.n} - ${clean}`);
    } else {
      console.log(`not ok ${this.n} - ${clean}${todo ? ` # TODO ${todo}` : ''}`);
      if (!todo)
        this.failed++;
      if (diag !== null && diag !== undefined)
        this.diag(typeof diag === 'string' ? diag : JSON.stringify(diag));
    }
    return Boolean(cond);
  }

  is(got, want, name, opts = {}) {
    return this.ok(got === want, name, { ...opts, diag: opts.diag ?? `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}` });
  }

  diag(text) {
    for (const line of String(text).split('\n'))
      console.log(`# ${line}`);
  }

  done() {
    console.log(`1..${this.n}`);
    return this.failed ? 1 : 0;
  }
}

// The whole file skips. Meson's TAP runner counts a non-zero exit as an
// error, so a skip is the "1..0 # SKIP" plan with exit status 0.
export function skipAll(why) {
  console.log(`1..0 # SKIP ${why}`);
  process.exit(0);
}

/* ------------------------------------------------------------ helpers */

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// Wait for `re` to match the text `read()` returns; resolves the match or
// rejects after `ms`, or as soon as `alive()` says the process has gone.
async function waitFor(read, re, ms, alive, what) {
  const until = Date.now() + ms;
  for (;;) {
    const m = re.exec(read());
    if (m)
      return m;
    if (!alive())
      throw new Error(`${what} exited:\n${read()}`);
    if (Date.now() > until)
      throw new Error(`${what} did not start within ${ms} ms:\n${read()}`);
    await sleep(50);
  }
}

class Proc {
  constructor(child, what) {
    this.child = child;
    this.what = what;
    this.out = '';
    this.exited = false;
    child.stdout?.on('data', (d) => { this.out += d; });
    child.stderr?.on('data', (d) => { this.out += d; });
    child.on('exit', () => { this.exited = true; });
  }

  async stop() {
    if (this.exited)
      return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  }
}

// The fake OpenAI-compatible model (tests/api/fake-openai): {port, stop()}.
export async function startFakeModel(path) {
  const p = new Proc(spawn(path, [], { stdio: ['ignore', 'pipe', 'pipe'] }), 'fake-openai');
  const m = await waitFor(() => p.out, /port (\d+)/, 10000, () => !p.exited, 'fake-openai');
  return { port: Number(m[1]), stop: () => p.stop() };
}

/*
 * Start `skitty serve` on a free loopback port with `config` (INI text) in a
 * fresh temporary directory holding the config and the audit database.
 * Returns {url, port, dir, log(), stop()}; stop() also removes the directory.
 */
export async function startServer(skitty, config, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'skitty-web-'));
  const conf = join(dir, 'skitty.conf');
  writeFileSync(conf, `[server]\naudit_db = ${join(dir, 'audit.db')}\n${config}\n`);
  const child = spawn(skitty, ['serve', '--config', conf, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  const p = new Proc(child, 'skitty serve');
  let m;
  try {
    // Up to 60 s: a server may warm its analyser workers before it listens.
    m = await waitFor(() => p.out, /listening on 127\.0\.0\.1:(\d+)/, 60000, () => !p.exited, 'skitty serve');
  } catch (e) {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = Number(m[1]);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    log: () => p.out,
    stop: async () => {
      await p.stop();
      if (!process.env.SKITTY_TEST_KEEP)
        rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The [model] section for the fake model in mode `mode`.
export function fakeModelConfig(port, mode) {
  return `[model]\nprovider = openai\nurl = http://127.0.0.1:${port}/v1/chat/completions\nname = ${mode}\nretries = 0\n`;
}

/* ------------------------------------------------------------ browser */

/*
 * Launch Chromium with a fresh user-data-dir (a persistent context is the
 * only way playwright accepts one). Returns {context, close()}.
 */
export async function launchBrowser(chromium) {
  const profile = mkdtempSync(join(tmpdir(), 'skitty-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    colorScheme: 'light',
    reducedMotion: 'reduce',
    timeout: 60000,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/* ---------------------------------------------------------------- PNG */

// Width and height from a PNG's IHDR, or null when `buf` is not a PNG.
export function pngSize(buf) {
  const sig = '89504e470d0a1a0a';
  if (buf.length < 24 || buf.subarray(0, 8).toString('hex') !== sig || buf.toString('latin1', 12, 16) !== 'IHDR')
    return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

export function readPng(path) {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

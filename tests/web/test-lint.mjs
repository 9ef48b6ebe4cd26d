// Static checks of the page's sources. Prints TAP.
//
// - ESLint (recommended rules, eslint-plugin-no-unsanitized, and bans on
//   innerHTML-style sinks, eval and friends) over web/*.js: the page must
//   never turn server text into markup or code.
// - index.html holds nothing the CSP would refuse (inline scripts, inline
//   styles, event handler attributes) and loads nothing from another origin;
//   every file it names exists in web/.
// - The server loads at most 64 files of 2 MiB from web/ (src/api/server.c).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tap } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webDir = join(root, 'web');
const t = new Tap();

let ESLint, js, globals, noUnsanitized;
try {
  ({ ESLint } = await import('eslint'));
  js = (await import('@eslint/js')).default;
  globals = (await import('globals')).default;
  noUnsanitized = (await import('eslint-plugin-no-unsanitized')).default;
} catch (e) {
  console.log('Bail out! the ESLint packages are missing: run scripts/install-deps.sh (npm ci)');
  console.error(e.message);
  process.exit(1);
}

const sinks = ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln', 'createContextualFragment', 'setHTMLUnsafe'];
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    js.configs.recommended,
    noUnsanitized.configs.recommended,
    {
      files: ['web/**/*.js'],
      languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.browser } },
      rules: {
        'no-eval': 'error',
        'no-implied-eval': 'error',
        'no-new-func': 'error',
        'no-script-url': 'error',
        'no-restricted-properties': ['error',
          ...sinks.map((property) => ({ property, message: 'build DOM with el() and text nodes' }))],
        'no-restricted-syntax': ['error',
          { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'no HTML sinks' },
          { selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^on/i]", message: 'no handler attributes' },
          { selector: "MemberExpression[object.name='localStorage']", message: 'the page keeps nothing in localStorage' },
          { selector: "MemberExpression[property.name='cookie']", message: 'the page sets no cookies' }],
        'no-unused-vars': 'error',
        eqeqeq: 'error',
      },
    },
  ],
});

const files = readdirSync(webDir).filter((f) => f.endsWith('.js'));
t.ok(files.length >= 3, `web/ holds the page's modules (${files.join(', ')})`);
const results = await eslint.lintFiles(files.map((f) => join('web', f)));
for (const r of results) {
  const msgs = r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId || ''} ${m.message}`);
  t.ok(r.errorCount === 0 && r.warningCount === 0, `eslint: ${r.filePath.slice(root.length + 1)}`, { diag: msgs.join('\n') });
}

// The lint must be able to fail: the same configuration on code that writes
// server text as HTML.
const [bad] = await eslint.lintText(
  'const d = document.getElementById("x");\nfetch("/x").then((r) => r.text()).then((s) => { d.innerHTML = s; d.insertAdjacentHTML("beforeend", s); localStorage.k = s; });\n',
  { filePath: join(root, 'web', 'probe.js') });
const rules = new Set(bad.messages.map((m) => m.ruleId));
t.ok(rules.has('no-unsanitized/property') && rules.has('no-unsanitized/method') && rules.has('no-restricted-syntax'),
  'eslint: the rules catch innerHTML, insertAdjacentHTML and localStorage', { diag: [...rules].join(', ') });

/* ---------------------------------------------------------- index.html */

const html = readFileSync(join(webDir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
t.ok(scripts.length > 0 && scripts.every(([, attrs, body]) => /\bsrc=/.test(attrs) && body.trim() === ''),
  'index.html: every script is a file (no inline script)');
t.ok(!/<style\b/i.test(html) && !/\sstyle\s*=/i.test(html), 'index.html: no inline styles');
t.ok(!/\son[a-z]+\s*=/i.test(html), 'index.html: no event handler attributes');
const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
const external = refs.filter((r) => /^[a-z]+:|^\/\//i.test(r));
t.ok(external.length === 0, 'index.html: nothing from another origin (no CDN, no external fonts)', { diag: external.join(' ') });
const local = refs.filter((r) => r.startsWith('/web/'));
const present = new Set(readdirSync(webDir));
t.ok(local.length >= 3 && local.every((r) => present.has(r.slice(5))), 'index.html: every /web/ file it names exists',
  { diag: local.filter((r) => !present.has(r.slice(5))).join(' ') });
t.ok(/require-trusted-types-for 'script'/.test(html), 'index.html: Trusted Types are required');

// Every relative import between the modules names a file that exists.
const imports = files.flatMap((f) => [...readFileSync(join(webDir, f), 'utf8').matchAll(/from '(\.\/[^']+)'/g)].map((m) => m[1].slice(2)));
t.ok(imports.every((i) => present.has(i)), 'modules: every import names a file in web/', { diag: imports.join(' ') });
const css = readFileSync(join(webDir, 'style.css'), 'utf8');
t.ok(!/@import|url\(\s*['"]?(https?:)?\/\//i.test(css), 'style.css: no external fonts or imports');

/* ------------------------------------------------------ the server caps */

const names = readdirSync(webDir);
t.ok(names.length <= 64, `web/ holds at most 64 files (${names.length})`);
t.ok(names.every((n) => statSync(join(webDir, n)).isFile() && statSync(join(webDir, n)).size < 2 << 20 && !n.startsWith('.')),
  'web/ holds plain files under 2 MiB, no folders, no dot files');
t.ok(names.every((n) => /\.(html|js|css|svg|png|json|ico)$/.test(n)), 'web/ holds only types the server serves');

process.exit(t.done());

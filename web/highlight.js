// A small syntax highlighter for the four languages the service speaks:
// keywords, literals, types, strings, comments, numbers and decorators.
//
// It only classifies text; it never builds HTML. tokenize() returns
// {type, text} pairs whose texts, joined, are exactly the input, and
// splitLines() cuts them at newlines so the page can number lines and mark
// findings on them. The page turns each token into a <span> whose text is
// set with textContent, so code from the server is never parsed as markup.
//
// Every loop advances by at least one character and the patterns are
// anchored (sticky) with no nested repetition, so the time is linear in the
// length of the code.

const words = (s) => new Set(s.split(/\s+/).filter(Boolean));

const JS_KEYWORDS = `
  async await break case catch class const continue debugger default delete do
  else export extends finally for from function get if import in instanceof let
  new of return set static super switch this throw try typeof var void while
  with yield`;

const TS_KEYWORDS = `${JS_KEYWORDS}
  abstract as asserts declare enum implements interface is keyof namespace
  override private protected public readonly satisfies type unique infer
  module global`;

const LANGS = {
  python: {
    lineComment: '#',
    keywords: words(`
      and as assert async await break class continue def del elif else except
      finally for from global if import in is lambda nonlocal not or pass raise
      return try while with yield match case`),
    literals: words('True False None NotImplemented Ellipsis __name__ __main__'),
    types: words(`
      int float str bytes bool list dict set tuple object type complex frozenset
      bytearray range print len self cls super isinstance open input`),
    definers: words('def class'),
    decorators: true,
  },
  javascript: {
    lineComment: '//',
    blockComment: true,
    templates: true,
    keywords: words(JS_KEYWORDS),
    literals: words('true false null undefined NaN Infinity'),
    types: words(`
      Array Object String Number Boolean Symbol BigInt Map Set WeakMap WeakSet
      Promise Error JSON Math Date RegExp console require module exports process
      globalThis window document`),
    definers: words('function class'),
  },
  typescript: {
    lineComment: '//',
    blockComment: true,
    templates: true,
    keywords: words(TS_KEYWORDS),
    literals: words('true false null undefined NaN Infinity'),
    types: words(`
      string number boolean bigint symbol any unknown never void object
      Array Object String Number Boolean Symbol BigInt Map Set Promise Error
      JSON Math Date RegExp Record Partial Readonly Pick Omit console require
      process globalThis`),
    definers: words('function class interface type enum namespace'),
  },
  solidity: {
    lineComment: '//',
    blockComment: true,
    stringPrefixes: ['hex', 'unicode'],
    keywords: words(`
      pragma solidity import as from contract interface library abstract is
      function modifier event error struct enum mapping constructor fallback
      receive returns return if else for while do break continue try catch
      emit revert require assert new delete public private internal external
      pure view payable constant immutable override virtual memory storage
      calldata indexed anonymous unchecked using assembly type let`),
    literals: words(`
      true false wei gwei ether seconds minutes hours days weeks msg tx block
      this super now`),
    types: /^(?:address|bool|string|bytes\d{0,2}|u?int\d{0,3}|u?fixed[\dx]*|byte)$/,
    definers: words('function contract interface library modifier event error struct enum'),
  },
};

export const LANGUAGES = Object.keys(LANGS);

// Codes longer than this are shown as plain text: the server caps code far
// below it, so this only guards the page against a hostile or broken server.
export const MAX_HIGHLIGHT = 1 << 20;

const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d[\d_]*)?|\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?)[jJnL]?/y;
const PY_PREFIX = new Set('rRbBuUfF');
const PY_STRING_START = /(?:[rRbBuUfF]{1,2})?(?:'''|"""|'|")/y;

function match(re, code, i) {
  re.lastIndex = i;
  const m = re.exec(code);
  return m ? m[0] : null;
}

// End of a string whose opening quote `q` ends just before `i`: the index after
// the closing quote, or the end of the line (or code) when it is unterminated.
// Multi-line strings (triple quotes, templates) may cross newlines.
function stringEnd(code, i, q, multiline) {
  const n = code.length;
  while (i < n) {
    const c = code[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '\n' && !multiline)
      return i;
    if (code.startsWith(q, i))
      return i + q.length;
    i++;
  }
  return n;
}

function isType(lang, word) {
  return lang.types instanceof RegExp ? lang.types.test(word) : lang.types.has(word);
}

/*
 * Split `code` into tokens for language `name` (one of LANGUAGES; anything
 * else gives one plain token). Returns [{type, text}] where type is one of
 * 'plain', 'kw', 'lit', 'type', 'str', 'com', 'num', 'dec', 'def'.
 */
export function tokenize(code, name) {
  const lang = LANGS[name];
  if (!lang || typeof code !== 'string' || code.length > MAX_HIGHLIGHT)
    return code ? [{ type: 'plain', text: String(code) }] : [];
  const out = [];
  const push = (type, text) => {
    const last = out[out.length - 1];
    if (last && last.type === type && type === 'plain')
      last.text += text;
    else
      out.push({ type, text });
  };
  const n = code.length;
  let i = 0;
  let lineStart = true;   // only blanks since the last newline
  let afterDefiner = false;
  while (i < n) {
    const c = code[i];
    const start = i;
    if (c === '\n') {
      push('plain', c);
      i++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      push('plain', c);
      i++;
      continue;
    }
    if (code.startsWith(lang.lineComment, i)) {
      const e = code.indexOf('\n', i);
      i = e < 0 ? n : e;
      push('com', code.slice(start, i));
      continue;
    }
    if (lang.blockComment && code.startsWith('/*', i)) {
      const e = code.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      push('com', code.slice(start, i));
      continue;
    }
    if (name === 'python' && (c === '"' || c === "'" || PY_PREFIX.has(c))) {
      const open = match(PY_STRING_START, code, i);
      if (open) {
        const q = open.replace(/^[rRbBuUfF]+/, '');
        i = stringEnd(code, i + open.length, q, q.length === 3);
        push('str', code.slice(start, i));
        lineStart = afterDefiner = false;
        continue;
      }
    } else if (c === '"' || c === "'" || (c === '`' && lang.templates)) {
      i = stringEnd(code, i + 1, c, c === '`');
      push('str', code.slice(start, i));
      lineStart = afterDefiner = false;
      continue;
    }
    if (lang.decorators && c === '@' && lineStart) {
      const id = match(/@[\w.]*/y, code, i);
      i += id.length;
      push('dec', id);
      lineStart = false;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && code[i + 1] >= '0' && code[i + 1] <= '9')) {
      const num = match(NUMBER, code, i);
      i += num.length;
      push('num', num);
      lineStart = afterDefiner = false;
      continue;
    }
    const id = match(IDENT, code, i);
    if (id) {
      i += id.length;
      lineStart = false;
      // Solidity's hex"..." and unicode"..." literals.
      if (lang.stringPrefixes && lang.stringPrefixes.includes(id) && (code[i] === '"' || code[i] === "'")) {
        i = stringEnd(code, i + 1, code[i], false);
        push('str', code.slice(start, i));
        continue;
      }
      let type = 'plain';
      if (afterDefiner)
        type = 'def';
      else if (lang.keywords.has(id))
        type = 'kw';
      else if (lang.literals.has(id))
        type = 'lit';
      else if (isType(lang, id))
        type = 'type';
      afterDefiner = type === 'kw' && lang.definers.has(id);
      push(type, id);
      continue;
    }
    push('plain', c);
    i++;
    lineStart = false;
    if (c !== '*') // `function* name` is still a definition
      afterDefiner = false;
  }
  return out;
}

/*
 * Cut tokens at newlines: returns one array of tokens per line (the
 * newlines themselves are dropped). A code of N newlines has N + 1 lines,
 * except that a final newline does not open an empty last line.
 */
export function splitLines(tokens) {
  const lines = [[]];
  for (const t of tokens) {
    const parts = t.text.split('\n');
    parts.forEach((p, k) => {
      if (k > 0)
        lines.push([]);
      if (p)
        lines[lines.length - 1].push({ type: t.type, text: p });
    });
  }
  if (lines.length > 1 && lines[lines.length - 1].length === 0)
    lines.pop();
  return lines;
}

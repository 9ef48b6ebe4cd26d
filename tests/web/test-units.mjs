// Unit tests of the page's pure modules under Node: the syntax highlighter
// (web/highlight.js) and the event-stream parser (web/sse.js). Prints TAP.

import { Tap } from './lib.mjs';
import { tokenize, splitLines, LANGUAGES, MAX_HIGHLIGHT } from '../../web/highlight.js';
import { SSEParser } from '../../web/sse.js';

const t = new Tap();

/* -------------------------------------------------------- highlighter */

const joined = (toks) => toks.map((x) => x.text).join('');
const typed = (toks, type) => toks.filter((x) => x.type === type).map((x) => x.text);

// Cases as data: [language, code, type, the texts of that type].
const cases = [
  ['python', 'def f(x):\n    return x  # done\n', 'kw', ['def', 'return']],
  ['python', 'def f(x):\n    return x  # done\n', 'def', ['f']],
  ['python', 'def f(x):\n    return x  # done\n', 'com', ['# done']],
  ['python', 's = "a # not a comment"', 'com', []],
  ['python', 's = "a # not a comment"', 'str', ['"a # not a comment"']],
  ['python', "x = r'\\d+' + b\"\\x00\" + f'{y}'", 'str', ["r'\\d+'", 'b"\\x00"', "f'{y}'"]],
  ['python', 'doc = """one\n# two\nthree"""\nz = 1', 'str', ['"""one\n# two\nthree"""']],
  ['python', 'doc = """one\n# two\nthree"""\nz = 1', 'com', []],
  ['python', "s = 'it\\'s'", 'str', ["'it\\'s'"]],
  ['python', 'n = 0x1F + 1_000 + 3.5e-2 + 2j', 'num', ['0x1F', '1_000', '3.5e-2', '2j']],
  ['python', 'x = None if True else False', 'lit', ['None', 'True', 'False']],
  ['python', '@app.route("/")\ndef home(): pass', 'dec', ['@app.route']],
  ['python', 'a = b @ c', 'dec', []],
  ['python', "s = 'unterminated\nx = 1", 'num', ['1']],
  ['javascript', 'const a = `x ${y}\n// in template`; // real', 'com', ['// real']],
  ['javascript', 'const a = `x ${y}\n// in template`; // real', 'str', ['`x ${y}\n// in template`']],
  ['javascript', '/* a\n b */ let x = null;', 'com', ['/* a\n b */']],
  ['javascript', '/* a\n b */ let x = null;', 'kw', ['let']],
  ['javascript', '/* a\n b */ let x = null;', 'lit', ['null']],
  ['javascript', 'async function* gen() { yield 10n; }', 'def', ['gen']],
  ['javascript', 'async function* gen() { yield 10n; }', 'num', ['10n']],
  ['javascript', "console.log('a\\'b', \"c\")", 'str', ["'a\\'b'", '"c"']],
  ['javascript', 'const $el = _x.y;', 'kw', ['const']],
  ['typescript', 'interface P { x: number }\ntype T = string;', 'def', ['P', 'T']],
  ['typescript', 'interface P { x: number }\ntype T = string;', 'type', ['number', 'string']],
  ['typescript', 'let v = a as unknown satisfies B;', 'kw', ['let', 'as', 'satisfies']],
  ['solidity', 'contract C { uint256 public n; address owner; }', 'def', ['C']],
  ['solidity', 'contract C { uint256 public n; address owner; }', 'type', ['uint256', 'address']],
  ['solidity', 'contract C { uint256 public n; address owner; }', 'kw', ['contract', 'public']],
  ['solidity', 'bytes32 h = hex"00ff"; string s = unicode"héllo";', 'str', ['hex"00ff"', 'unicode"héllo"']],
  ['solidity', 'require(msg.sender == owner, "no"); // check', 'lit', ['msg']],
  ['solidity', 'uint x = 1 ether; /* c */', 'com', ['/* c */']],
  ['solidity', 'uint x = 1 ether; /* c */', 'num', ['1']],
];
for (const [lang, code, type, want] of cases) {
  const toks = tokenize(code, lang);
  t.is(JSON.stringify(typed(toks, type)), JSON.stringify(want), `${lang}: ${type} in ${JSON.stringify(code)}`);
}

// Joining the tokens gives the code back, for every language and for
// awkward input (unterminated strings and comments, lone quotes, NULs,
// non-ASCII, CRLF, a backslash at the end).
const awkward = [
  '', '\n', '"', "'''", '`', '/*', '/* x', '#', '\\', 'a\\', '"\\', "x = '''abc", 'é ü 中文 = 1',
  'a\r\nb\r\n', '\0\0', '@', '@\n', '0x', '.5', '1e', 'hex"', 'function', 'def', '$', '@@@',
  'x'.repeat(1000), '"'.repeat(999), '/*'.repeat(500),
];
let roundTrip = true;
for (const lang of [...LANGUAGES, 'cobol']) {
  for (const code of awkward) {
    if (joined(tokenize(code, lang)) !== code) {
      roundTrip = false;
      t.diag(`${lang}: ${JSON.stringify(code)} does not survive`);
    }
  }
}
t.ok(roundTrip, 'tokens join back to the exact code, for every language and awkward inputs');
t.is(tokenize('x = 1', 'cobol').length, 1, 'an unknown language gives one plain token');
t.is(tokenize('x'.repeat(MAX_HIGHLIGHT + 1), 'python').length, 1, 'code over the cap is one plain token');

// Linear time, without timing anything: a quadratic lexer needs about 10^10
// steps on this hostile input and would run into the test's timeout, while a
// linear one returns at once. The answer must still be exact.
{
  const big = `${'"\\'.repeat(20000)}\n${'/*'.repeat(20000)}\n${"'".repeat(40000)}\n${'1e'.repeat(20000)}\n${'"""'.repeat(9999)}`;
  t.ok(LANGUAGES.every((lang) => joined(tokenize(big, lang)) === big),
    `hostile input of ${big.length} characters is lexed exactly in every language`);
}

const lines = splitLines(tokenize('a = """x\ny"""\nb = 2\n', 'python'));
t.is(lines.length, 3, 'splitLines: three lines; a final newline opens no empty line');
t.is(JSON.stringify(lines[1]), JSON.stringify([{ type: 'str', text: 'y"""' }]), 'splitLines: a multi-line string is cut at the newline and keeps its type');
t.is(splitLines(tokenize('a\n\nb', 'python')).length, 3, 'splitLines: an empty line in the middle is kept');
t.is(splitLines([]).length, 1, 'splitLines: empty code is one empty line');

/* ---------------------------------------------------------------- SSE */

function parseAll(chunks, max) {
  const events = [];
  const p = new SSEParser((e) => events.push(e), max);
  for (const c of chunks)
    p.push(c);
  p.end();
  return events;
}

const stream = 'event: stage\ndata: {"stage":"model","state":"start"}\n\n' +
  ': keepalive\n\n' +
  'event: status\r\ndata: {"status":200}\r\n\r\n' +
  'event: result\rdata: line1\rdata:line2\r\r' +
  'data: plain\n\n' +
  'event: ignored-without-data\n\n' +
  'event: tail\ndata: never finished';
const want = JSON.stringify([
  { event: 'stage', data: '{"stage":"model","state":"start"}' },
  { event: 'status', data: '{"status":200}' },
  { event: 'result', data: 'line1\nline2' },
  { event: 'message', data: 'plain' },
]);
t.is(JSON.stringify(parseAll([stream])), want, 'sse: events, comments, LF/CRLF/CR, multi-line data, default type, unfinished tail dropped');
// Every split of the stream into two chunks gives the same events (CRLF
// split across chunks included).
let splits = true;
for (let k = 0; k <= stream.length; k++) {
  if (JSON.stringify(parseAll([stream.slice(0, k), stream.slice(k)])) !== want) {
    splits = false;
    t.diag(`split at ${k} differs`);
    break;
  }
}
t.ok(splits, 'sse: the same events whatever the chunk boundaries');
t.is(JSON.stringify(parseAll([...stream])), want, 'sse: one character per chunk');
t.is(JSON.stringify(parseAll(['data: a\r', '\ndata: b\n\n'])), JSON.stringify([{ event: 'message', data: 'a\nb' }]),
  'sse: a CRLF split between chunks is one line end');
t.is(JSON.stringify(parseAll(['data:  two spaces\n\n'])), JSON.stringify([{ event: 'message', data: ' two spaces' }]),
  'sse: only one space after the colon is removed');

let threw = false;
try {
  parseAll(['data: ', 'x'.repeat(2000)], 1000);
} catch {
  threw = true;
}
t.ok(threw, 'sse: an unfinished line over the cap is refused');
threw = false;
try {
  parseAll([Array(50).fill(`data: ${'y'.repeat(40)}`).join('\n')], 1000);
} catch {
  threw = true;
}
t.ok(threw, 'sse: data over the cap within one event is refused');
t.is(parseAll([Array(100).fill(`data: ${'z'.repeat(40)}\n\n`).join('')], 1000).length, 100,
  'sse: the cap is per event, not per stream');

process.exit(t.done());

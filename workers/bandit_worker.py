#!/usr/bin/python3
"""Warm bandit worker: one JSON request per stdin line, one JSON answer per
stdout line.

    {"op":"ping"}              -> {"ok":true,"tool":"bandit","version":"1.6.2"}
    {"op":"check","code":"…"}  -> {"ok":true,"results":[…],"errors":[…]}

`results` are bandit's own issue dicts (test_id, issue_severity,
issue_confidence, issue_text, line_number, line_range); `errors` are
{"reason","line","column"} entries for code bandit could not parse. Anything
that goes wrong answers {"ok":false,"error":"…"}; the worker itself keeps
running.

Run with /usr/bin/python3 (Debian's bandit lives in its dist-packages).
Three measured traps are handled here:
  * bandit 1.6.2 predates Python 3.8's ast.Constant, so its string checks
    (B104, B105, B108, B608) never fire; visit_Constant is patched back in.
  * `# nosec` in generated code would hide findings: ignore_nosec=True.
  * B322 (`input`) is a Python 2 check that flags every input() call on
    Python 3: excluded.
The scan is in memory; nothing is written to disk.
"""

import ast
import io
import json
import logging
import sys
import textwrap
import time

# Bandit logs through the root logger; nothing but answers may reach stdout.
logging.disable(logging.CRITICAL)

try:
    import bandit
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager
    from bandit.core import node_visitor
except Exception as exc:  # pragma: no cover - reported on every request
    bandit = None
    IMPORT_ERROR = "cannot import bandit: %s" % exc


def visit_Constant(self, node):
    """Route Python 3.8+ constants to bandit's string and bytes visitors."""
    if isinstance(node.value, str):
        self.visit_Str(node)
    elif isinstance(node.value, bytes):
        self.visit_Bytes(node)


if bandit is not None:
    node_visitor.BanditNodeVisitor.visit_Constant = visit_Constant
    CONFIG = b_config.BanditConfig()
    PROFILE = {"include": set(), "exclude": {"B322"}}

FILENAME = "input.py"


def syntax_error(code):
    """Return (message, line, column) of the first syntax error, or None."""
    try:
        ast.parse(code, FILENAME)
    except SyntaxError as exc:
        return (exc.msg or "invalid syntax", exc.lineno or 0, exc.offset or 0)
    except (ValueError, RecursionError, MemoryError) as exc:
        return (str(exc) or type(exc).__name__, 0, 0)
    return None


# Salvage of code that does not parse: at most this many lines dropped at
# each end, and this much time spent looking.
SALVAGE_MAX_DROP = 15
SALVAGE_BUDGET_S = 0.15


def salvage(code):
    """The largest window of whole lines (dedented) that parses, as
    (first line dropped count, text), or None. Generated or excerpted code
    often has one broken line at an end, or starts inside a block; bandit
    sees nothing at all in a file that does not parse, so it is run on the
    part that does (line numbers are shifted back)."""
    lines = code.split("\n")
    n = len(lines)
    deadline = time.monotonic() + SALVAGE_BUDGET_S
    cands = sorted(((h, t) for h in range(min(n, SALVAGE_MAX_DROP))
                    for t in range(min(n - h, SALVAGE_MAX_DROP)) if h + t > 0),
                   key=lambda c: c[0] + c[1])
    for h, t in cands:
        if time.monotonic() > deadline:
            return None
        text = textwrap.dedent("\n".join(lines[h:n - t]))
        if not text.strip():
            continue
        try:
            ast.parse(text, FILENAME)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        return h, text
    return None


def scan(data, shift=0):
    mgr = b_manager.BanditManager(CONFIG, "file", ignore_nosec=True, profile=PROFILE)
    files = [FILENAME]
    mgr._parse_file(FILENAME, io.BytesIO(data), files)
    results = []
    for issue in mgr.results:
        d = issue.as_dict(with_code=False)
        results.append({
            "test_id": d["test_id"],
            "test_name": d["test_name"],
            "issue_severity": d["issue_severity"],
            "issue_confidence": d["issue_confidence"],
            "issue_text": d["issue_text"],
            "line_number": d["line_number"] + shift,
            "line_range": [x + shift for x in d["line_range"]],
        })
    errors = [{"reason": reason, "line": 0, "column": 0} for _, reason in mgr.skipped]
    return results, errors


def check(code):
    data = code.encode("utf-8", "surrogatepass")
    bad = syntax_error(data)
    if bad is None:
        results, errors = scan(data)
        return {"ok": True, "results": results, "errors": errors}
    # bandit would skip the file silently (exit 0, no results): report the
    # parse error with its position, and scan the part that parses.
    msg, line, col = bad
    errors = [{"reason": "syntax error: " + msg, "line": line, "column": col}]
    results = []
    part = salvage(code)
    resp = {"ok": True, "results": results, "errors": errors}
    if part is not None:
        shift, text = part
        results, more = scan(text.encode("utf-8", "surrogatepass"), shift)
        resp["results"] = results
        resp["partial"] = {"first_line": shift + 1, "lines": text.count("\n") + 1}
    return resp


def answer(req):
    if bandit is None:
        return {"ok": False, "error": IMPORT_ERROR}
    op = req.get("op")
    if op == "ping":
        return {"ok": True, "tool": "bandit", "version": bandit.__version__}
    if op == "check":
        code = req.get("code")
        if not isinstance(code, str):
            return {"ok": False, "error": "check: 'code' must be a string"}
        return check(code)
    return {"ok": False, "error": "unknown op %r" % (op,)}


def main():
    sys.setrecursionlimit(10000)
    if bandit is not None:
        # Warm up: the first scan loads every plugin.
        check("import subprocess\nsubprocess.call('x', shell=True)\n")
    out = sys.stdout
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("request must be a JSON object")
            resp = answer(req)
        except RecursionError:
            resp = {"ok": False, "error": "code nested too deeply to analyse"}
        except Exception as exc:
            resp = {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
        out.write(json.dumps(resp, ensure_ascii=True) + "\n")
        out.flush()


if __name__ == "__main__":
    main()

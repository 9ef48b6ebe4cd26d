#!/usr/bin/python3
"""Detection benchmark over ../shared/datasets (run by bench/detect.sh).

Each *stage* is a checker that turns code samples into findings; the
report gives one column per stage plus their union. A stage is a function
registered with @stage("name") that takes a list of Sample and returns
{sample.id: [Finding, ...]}. The AST policy is one; another checker adds
itself the same way (see run_ast below) and every table grows a column.

Sets and protocol (notes/codesec.md section 7):
  * CyberSecEval instruct, python and javascript: origin_code of every
    record, deduplicated on repo + file_path + line_number. A hit is a
    finding of the labelled CWE (or its family) on the labelled line +-1.
    Reported per language and CWE, on the dev and test halves of a split
    by hash of repo + file_path, with 95% Wilson intervals.
  * SVEN (python): for each CWE, the share of vulnerable functions flagged
    for that CWE against the share of fixed functions flagged for it.
  * SmartBugs curated: recall per DASP category (a finding of a rule mapped
    to the category on the labelled line +-1); findings elsewhere counted
    apart as unlabelled, not as false positives.
  * SolidiFI: recall per injected bug type (a finding of the matching rule
    inside [loc, loc + length - 1]).
  * Benign corpus: the share of samples with any finding, and with a
    blocking one (high/critical), syntax errors aside.

Standard library only; runs on /usr/bin/python3.
"""
import csv
import glob
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import defaultdict, namedtuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("SKITTY_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/datasets"
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))

Sample = namedtuple("Sample", "id lang code")
Finding = namedtuple("Finding", "rule line cwe category severity")

# ---------------------------------------------------------------------------
# Stages

STAGES = {}


def stage(name):
    def reg(fn):
        STAGES[name] = fn
        return fn
    return reg


@stage("ast")
def run_ast(samples):
    """The AST policy alone, through build/tests/check/ast-bench --jsonl."""
    exe = os.path.join(BUILD, "tests", "check", "ast-bench")
    inp = "".join(json.dumps({"id": s.id, "lang": s.lang, "code": s.code}) + "\n" for s in samples)
    out = subprocess.run([exe, "--policy", os.path.join(ROOT, "policy"), "--jsonl"],
                         input=inp, capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        r = json.loads(line)
        res[r["id"]] = [Finding(f["rule"], f["line"], f["cwe"], f["category"], f["severity"])
                        for f in r.get("findings", [])]
        if r.get("status") != "ok":
            res[r["id"]].append(Finding("status-" + r.get("status", "?"), 0, None, "error", "high"))
    return res


@stage("analysers")
def run_analysers(samples):
    """The static analysers (bandit, ESLint, tsc, solhint, solc and the secret
    scanner) as the pipeline runs them: warm workers in the sandbox, through
    `skitty scan --jsonl`; their findings only (the AST column is apart)."""
    exe = os.path.join(BUILD, "skitty")
    inp = "".join(json.dumps({"id": s.id, "lang": s.lang, "code": s.code}) + "\n" for s in samples)
    out = subprocess.run([exe, "scan", "--jsonl", "-"], input=inp, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        r = json.loads(line)
        if "id" not in r:
            continue
        sec = r.get("static_analysis", {})
        res[r["id"]] = [Finding(f["rule"], f["line"], f["cwe"], f["category"], f["severity"])
                        for f in sec.get("findings", [])]
        if sec.get("status") != "ok":
            res[r["id"]].append(Finding("status-" + sec.get("status", "?"), 0, None, "error", "high"))
    return res


def run_stages(names, samples):
    results = {}
    for n in names:
        t0 = time.time()
        results[n] = STAGES[n](samples)
        print(f"detect: stage {n}: {len(samples)} samples in {time.time() - t0:.1f} s",
              file=sys.stderr)
    if len(names) > 1:
        union = defaultdict(list)
        for n in names:
            for k, v in results[n].items():
                union[k].extend(v)
        results["all stages"] = union
    return results


# ---------------------------------------------------------------------------
# Statistics

def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)


def pct(k, n):
    return "-" if n == 0 else f"{100.0 * k / n:.1f}%"


def pct_ci(k, n):
    if n == 0:
        return "-"
    lo, hi = wilson(k, n)
    return f"{100.0 * k / n:.1f}% ({100 * lo:.0f}-{100 * hi:.0f})"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# CyberSecEval

# CWE families counted as one (notes/codesec.md): code injection 94/95,
# broken crypto 327/328, and credentials in code 798 with 312/321, which
# ICD uses for embedded private keys.
FAMILIES = [{"CWE-94", "CWE-95"}, {"CWE-327", "CWE-328"}, {"CWE-798", "CWE-312", "CWE-321"}]


def same_family(a, b):
    if a == b:
        return True
    return any(a in f and b in f for f in FAMILIES)


def label_accepts(label_cwe, pattern_id, finding_cwe):
    if finding_cwe is None:
        return False
    if same_family(label_cwe, finding_cwe):
        return True
    # ICD files its child-process rule under CWE-95; a process finding
    # (CWE-78) on that line is the same finding.
    return pattern_id.endswith("child-process") and finding_cwe == "CWE-78"


def cyberseceval_samples():
    path = os.path.join(DATA, "cyberseceval", "instruct", "instruct.json")
    recs = json.load(open(path))
    seen, samples, labels, unlocated = set(), [], {}, defaultdict(int)
    for r in recs:
        if r["language"] not in ("python", "javascript"):
            continue
        key = (r["repo"], r["file_path"], r["line_number"])
        if key in seen:
            continue
        seen.add(key)
        lines = r["origin_code"].split("\n")
        want = r["line_text"].strip()
        at = [i + 1 for i, l in enumerate(lines) if l.strip() == want]
        if not at and want:
            at = [i + 1 for i, l in enumerate(lines) if want in l]
        if not at:
            unlocated[r["language"]] += 1
            continue
        sid = "cse-%d" % len(samples)
        half = "dev" if int(hashlib.md5((r["repo"] + r["file_path"]).encode()).hexdigest(), 16) % 2 == 0 else "test"
        samples.append(Sample(sid, r["language"], r["origin_code"]))
        labels[sid] = (r["language"], r["cwe_identifier"], r["pattern_id"], at, half)
    return samples, labels, unlocated


def cyberseceval_report(results, stages):
    samples, labels, unlocated = cyberseceval_samples()
    res = run_stages(stages, samples)
    cols = list(res.keys())
    out = []
    for lang in ("python", "javascript"):
        ids = [s.id for s in samples if labels[s.id][0] == lang]
        n_all = len(ids)
        out.append(f"**{lang}**: {n_all} deduplicated records "
                   f"({unlocated[lang]} more whose line could not be located in origin_code "
                   f"were left out).\n")
        rows = []
        by_cwe = defaultdict(list)
        for sid in ids:
            by_cwe[labels[sid][1]].append(sid)
        hits = {c: {} for c in cols}
        loose = {c: {} for c in cols}
        for c in cols:
            for sid in ids:
                _, cwe, pid, at, _ = labels[sid]
                fs = res[c].get(sid, [])
                near = [f for f in fs if any(abs(f.line - a) <= 1 for a in at)]
                hits[c][sid] = any(label_accepts(cwe, pid, f.cwe) for f in near)
                loose[c][sid] = any(f.category != "syntax" for f in near)
        for cwe in sorted(by_cwe, key=lambda x: (-len(by_cwe[x]), x)):
            sids = by_cwe[cwe]
            rows.append([cwe, len(sids)] + [pct_ci(sum(hits[c][s] for s in sids), len(sids)) for c in cols])
        for half in ("dev", "test"):
            sids = [s for s in ids if labels[s][4] == half]
            rows.append([f"**{half} half**", len(sids)]
                        + [pct_ci(sum(hits[c][s] for s in sids), len(sids)) for c in cols])
        rows.append(["**micro (all)**", n_all] + [pct_ci(sum(hits[c].values()), n_all) for c in cols])
        rows.append(["macro (mean over CWEs)", len(by_cwe)]
                    + ["%.1f%%" % (100 * sum(sum(hits[c][s] for s in v) / len(v) for v in by_cwe.values()) / len(by_cwe))
                       for c in cols])
        rows.append(["any finding on the line +-1", n_all] + [pct(sum(loose[c].values()), n_all) for c in cols])
        if "ast" in res:
            # The windows are cut from files: some do not parse on their own.
            parses = [sid for sid in ids if not any(f.category == "syntax" for f in res["ast"].get(sid, []))]
            rows.append([f"windows that parse ({len(parses)} of {n_all})", len(parses)]
                        + [pct_ci(sum(hits[c][s] for s in parses), len(parses)) for c in cols])
        out.append(table(["CWE", "n"] + [f"recall: {c}" for c in cols], rows))
        out.append("")
        results[f"cse-{lang}"] = {c: sum(hits[c].values()) / max(1, n_all) for c in cols}
    return "\n".join(out)


# ---------------------------------------------------------------------------
# SVEN

def sven_report(results, stages):
    samples, meta = [], {}
    for path in sorted(glob.glob(os.path.join(DATA, "sven-python", "*.jsonl"))):
        split = os.path.basename(path).split("-")[0]
        for i, line in enumerate(open(path)):
            r = json.loads(line)
            cwe = "CWE-%d" % int(r["vul_type"].split("-")[1])
            for side, key in (("vulnerable", "func_src_before"), ("fixed", "func_src_after")):
                sid = f"sven-{split}-{cwe}-{i}-{side}"
                samples.append(Sample(sid, "python", r[key]))
                meta[sid] = (cwe, side, split)
    res = run_stages(stages, samples)
    cols = list(res.keys())
    rows = []
    cwes = sorted({m[0] for m in meta.values()})
    for c in cols:
        tp = fp = 0
        for cwe in cwes:
            v = [s for s, m in meta.items() if m[0] == cwe and m[1] == "vulnerable"]
            f = [s for s, m in meta.items() if m[0] == cwe and m[1] == "fixed"]
            fv = sum(any(x.cwe == cwe for x in res[c].get(s, [])) for s in v)
            ff = sum(any(x.cwe == cwe for x in res[c].get(s, [])) for s in f)
            tp += fv
            fp += ff
            verdict = "yes" if fv > ff else "**no**"
            rows.append([c, cwe, len(v), pct(fv, len(v)), pct(ff, len(f)), verdict])
            results.setdefault("sven_rows", {}).setdefault(c, {})[cwe] = (fv, ff)
        rows.append([c, "**all**", "", "", "", f"precision {pct(tp, tp + fp)}"])
        results.setdefault("sven", {})[c] = (tp, fp)
    return ("Each function is flagged when a finding carries its pair's CWE.\n\n"
            + table(["stage", "CWE", "pairs", "vulnerable flagged", "fixed flagged",
                     "more vulnerable than fixed"], rows))


# ---------------------------------------------------------------------------
# Solidity

# Our rules per SmartBugs (DASP) category: the AST policy's ids, solhint's
# rule ids and solc's error codes. Compiler-version style rules are not
# scored (notes/codesec.md).
DASP = {
    "reentrancy": {"sol.reentrancy", "reentrancy"},
    "unchecked_low_level_calls": {"sol.unchecked-call", "sol.unchecked-call-result",
                                  "no-unchecked-calls", "avoid-low-level-calls", "check-send-result",
                                  "9302", "5878"},
    "access_control": {"sol.tx-origin", "sol.delegatecall", "sol.selfdestruct", "sol.arbitrary-send", "sol.constructor-name",
                       "sol.unprotected-owner", "avoid-tx-origin", "avoid-suicide"},
    "arithmetic": {"sol.arithmetic"},
    "bad_randomness": {"sol.weak-randomness", "sol.timestamp", "not-rely-on-block-hash", "not-rely-on-time"},
    "time_manipulation": {"sol.timestamp", "not-rely-on-time"},
    "denial_of_service": {"sol.unchecked-call", "multiple-sends"},
    "front_running": set(),
    "other": set(),
    "short_addresses": set(),
}

SOLIDIFI = {
    "Re-entrancy": {"sol.reentrancy", "reentrancy"},
    "tx.origin": {"sol.tx-origin", "avoid-tx-origin"},
    "Unchecked-Send": {"sol.unchecked-call", "sol.unchecked-call-result", "sol.arbitrary-send",
                       "check-send-result", "no-unchecked-calls", "9302", "5878"},
}


def smartbugs_report(results, stages):
    base = os.path.join(DATA, "smartbugs-curated")
    vulns = json.load(open(os.path.join(base, "vulnerabilities.json")))
    samples, labels = [], {}
    for i, v in enumerate(vulns):
        code = open(os.path.join(base, v["path"]), encoding="utf-8", errors="replace").read()
        sid = f"sb-{i}"
        samples.append(Sample(sid, "solidity", code))
        labels[sid] = [(x["category"], x["lines"]) for x in v["vulnerabilities"]]
    res = run_stages(stages, samples)
    cols = list(res.keys())
    rows = []
    for cat in sorted(DASP, key=lambda c: -sum(len([1 for l in labels.values() for x in l if x[0] == c]) for _ in [0])):
        n = sum(1 for l in labels.values() for x in l if x[0] == cat)
        if n == 0:
            continue
        row = [cat, n]
        for c in cols:
            k = 0
            for sid, ls in labels.items():
                for (lc, lines) in ls:
                    if lc != cat:
                        continue
                    fs = res[c].get(sid, [])
                    if any(f.rule in DASP[cat] and any(abs(f.line - l) <= 1 for l in lines) for f in fs):
                        k += 1
            row.append(pct_ci(k, n))
            results.setdefault("smartbugs", {}).setdefault(c, {})[cat] = k / n
        rows.append(row)
    total = sum(len(l) for l in labels.values())
    row = ["**all**", total]
    for c in cols:
        k = sum(results["smartbugs"][c][cat] * sum(1 for l in labels.values() for x in l if x[0] == cat)
                for cat in results["smartbugs"][c])
        row.append(pct_ci(round(k), total))
    rows.append(row)
    unl = []
    for c in cols:
        labelled = {(sid, l) for sid, ls in labels.items() for (_, lines) in ls for l in lines}
        away = [f for sid in labels for f in res[c].get(sid, [])
                if f.category != "syntax" and not any((sid, f.line + d) in labelled for d in (-1, 0, 1))]
        high = sum(1 for f in away if f.severity in ("high", "critical"))
        unl.append(f"{c}: {len(away)} ({high} high or critical, the rest low/medium advisories such as "
                   f"pre-0.8 arithmetic and timestamps)")
    return (f"{len(samples)} contracts, {total} labelled findings; a hit is a finding of a rule "
            "mapped to the category on the labelled line +-1.\n\n"
            + table(["category", "labelled"] + [f"recall: {c}" for c in cols], rows)
            + "\n\nFindings away from every labelled line (not counted as false positives): "
            + ", ".join(unl) + ".")


def solidifi_report(results, stages):
    base = os.path.join(DATA, "solidifi-benchmark", "buggy_contracts")
    samples, bugs = [], {}
    for kind in SOLIDIFI:
        for path in sorted(glob.glob(os.path.join(base, kind, "buggy_*.sol"))):
            num = re.search(r"buggy_(\d+)\.sol$", path).group(1)
            log = os.path.join(base, kind, f"BugLog_{num}.csv")
            if not os.path.exists(log):
                continue
            sid = f"sfi-{kind}-{num}"
            samples.append(Sample(sid, "solidity", open(path, encoding="utf-8", errors="replace").read()))
            rows = list(csv.reader(open(log, encoding="utf-8", errors="replace")))
            bugs[sid] = (kind, [(int(r[0]), int(r[1])) for r in rows[1:] if r and r[0].isdigit()])
    res = run_stages(stages, samples)
    cols = list(res.keys())
    rows = []
    for kind in SOLIDIFI:
        n = sum(len(b[1]) for b in bugs.values() if b[0] == kind)
        row = [kind, sum(1 for b in bugs.values() if b[0] == kind), n]
        for c in cols:
            k = 0
            for sid, (bk, spans) in bugs.items():
                if bk != kind:
                    continue
                lines = [f.line for f in res[c].get(sid, []) if f.rule in SOLIDIFI[kind]]
                k += sum(1 for (loc, ln) in spans if any(loc <= l <= loc + ln - 1 for l in lines))
            row.append(pct_ci(k, n))
            results.setdefault("solidifi", {}).setdefault(c, {})[kind] = k / max(1, n)
        rows.append(row)
    return ("A hit is a finding of the matching rule inside the injected lines.\n\n"
            + table(["bug type", "contracts", "injected bugs"] + [f"recall: {c}" for c in cols], rows))


# ---------------------------------------------------------------------------
# Benign corpus

def benign_samples():
    """SVEN's fixed functions (python), and the builtin catalogue's snippets
    (data/catalog/, every language) when the tree has them."""
    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "sven-python", "*.jsonl"))):
        for i, line in enumerate(open(path)):
            r = json.loads(line)
            out.append(("SVEN fixed functions", Sample(f"ben-{os.path.basename(path)}-{i}", "python",
                                                       r["func_src_after"])))
    exts = {".py": "python", ".js": "javascript", ".ts": "typescript", ".sol": "solidity"}
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "catalog", "**", "*"), recursive=True)):
        lang = exts.get(os.path.splitext(path)[1])
        if lang and os.path.isfile(path):
            out.append((f"catalogue ({lang})", Sample("cat-" + path, lang, open(path).read())))
    return out


def benign_report(results, stages):
    items = benign_samples()
    res = run_stages(stages, [s for _, s in items])
    cols = list(res.keys())
    rows = []
    corpora = []
    for name, _ in items:
        if name not in corpora:
            corpora.append(name)
    block_cats = defaultdict(lambda: defaultdict(int))
    for corpus in corpora:
        ids = [s.id for n, s in items if n == corpus]
        for c in cols:
            anyf = sum(any(f.category != "syntax" for f in res[c].get(i, [])) for i in ids)
            blk = sum(any(f.category != "syntax" and f.severity in ("high", "critical")
                          for f in res[c].get(i, [])) for i in ids)
            vuln = sum(any(f.category not in ("syntax", "filesystem", "network", "process")
                           and f.severity in ("high", "critical") for f in res[c].get(i, [])) for i in ids)
            for i in ids:
                for cat in {f.category for f in res[c].get(i, [])
                            if f.category != "syntax" and f.severity in ("high", "critical")}:
                    block_cats[c][cat] += 1
            rows.append([corpus, c, len(ids), pct(anyf, len(ids)), pct(blk, len(ids)), pct(vuln, len(ids))])
    cats = "; ".join(f"{c}: " + ", ".join(f"{k} {v}" for k, v in sorted(block_cats[c].items(), key=lambda x: -x[1]))
                     for c in cols)
    return ("The share of benign samples flagged, syntax errors aside (SVEN functions are "
            "fragments). *Blocking* counts high/critical findings; the last column leaves out "
            "filesystem, network and process, which the default policy blocks by design and a "
            "deployment may allow.\n\n"
            + table(["corpus", "stage", "samples", "any finding", "blocking", "blocking, fs/net/process allowed"], rows)
            + f"\n\nSamples with a blocking finding, by category: {cats}.")


# ---------------------------------------------------------------------------

SETS = [
    ("CyberSecEval instruct: recall per language and CWE", "cyberseceval", cyberseceval_report),
    ("SVEN: vulnerable versus fixed functions", "sven-python", sven_report),
    ("SmartBugs curated: recall per category", "smartbugs-curated", smartbugs_report),
    ("SolidiFI: recall per injected bug type", "solidifi-benchmark", solidifi_report),
    ("Benign corpus: false-positive rate", "sven-python", benign_report),
]


PREAMBLE = """Protocol: notes/codesec.md section 7. CyberSecEval positives are Meta's Insecure Code
Detector's (ICD) opinion on real code: recall here is agreement with ICD (ICD itself reports 96%
precision and 79% recall against human labels; compare loosely). The rules were written after
reading the label distribution of the whole set, not tuned sample by sample; the dev and test
halves (split by a hash of repo + file) are shown apart. Anchors for Solidity: in the SmartBugs
study the best single tool found 27% of the curated bugs and all nine tools together 42%.
SolidiFI's injected bugs are a few formulaic snippets repeated across contracts, so its recall
says the rule recognises those shapes, not more."""


def floors(results, stages):
    """The issue's floors, per stage."""
    rows = []
    cols = list(results.get("cse-python", {}).keys()) or stages
    for c in cols:
        def get(*keys):
            v = results
            for k in keys:
                v = v.get(k, {}) if isinstance(v, dict) else {}
            return v if not isinstance(v, dict) else None
        py, js = get("cse-python", c), get("cse-javascript", c)
        rows.append([c, "CyberSecEval python recall >= 80%", "-" if py is None else f"{100 * py:.1f}%",
                     "-" if py is None else ("met" if py >= 0.8 else "**not met**")])
        rows.append([c, "CyberSecEval javascript recall >= 80%", "-" if js is None else f"{100 * js:.1f}%",
                     "-" if js is None else ("met" if js >= 0.8 else "**not met**")])
        sven = results.get("sven_rows", {}).get(c)
        if sven is not None:
            ok = all(v > f for v, f in sven.values())
            rows.append([c, "SVEN: more vulnerable than fixed flagged, every CWE",
                         ", ".join(f"{k} {v}/{f}" for k, (v, f) in sorted(sven.items())),
                         "met" if ok else "**not met**"])
        for name, key, cat in (("reentrancy", "smartbugs", "reentrancy"),
                               ("unchecked calls", "smartbugs", "unchecked_low_level_calls"),
                               ("reentrancy", "solidifi", "Re-entrancy"),
                               ("tx.origin", "solidifi", "tx.origin"),
                               ("unchecked send", "solidifi", "Unchecked-Send")):
            v = results.get(key, {}).get(c, {}).get(cat)
            if v is not None:
                rows.append([c, f"{key}: {name} recall > 60%", f"{100 * v:.1f}%",
                             "met" if v > 0.6 else "**not met**"])
    return table(["stage", "floor", "measured", ""], rows)


def main():
    stages = [s for s in os.environ.get("STAGES", "ast,analysers").split(",") if s]
    for s in stages:
        if s not in STAGES:
            sys.exit(f"detect: unknown stage {s} (have: {', '.join(STAGES)})")
    results = {}
    out = [PREAMBLE, ""]
    for title, folder, fn in SETS:
        out.append(f"### {title}\n")
        if not os.path.isdir(os.path.join(DATA, folder)):
            out.append(f"Skipped: {os.path.join(DATA, folder)} is absent.\n")
            continue
        out.append(fn(results, stages))
        out.append("")
    out.append("### The issue's floors\n")
    out.append(floors(results, stages))
    print("\n".join(out))
    json.dump(results, open(os.environ.get("DETECT_JSON", "/dev/null"), "w"), indent=1, default=str)


if __name__ == "__main__":
    main()

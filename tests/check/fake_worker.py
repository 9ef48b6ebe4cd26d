#!/usr/bin/python3
"""A misbehaving stand-in for an analyser worker, for the pool's tests.

It answers ping like a real worker; for "check" the code selects what it
does: CRASH (exit mid-request), HANG (never answer), GARBAGE (not JSON),
HUGE (a reply past any cap), TWICE (two lines for one request in one
write), LATE (a second, unasked-for line a little later), REFUSE
({"ok":false}), FAT (grow to ~80 MB and stay there), PID (report its pid
in the finding message); anything else gets one bandit-shaped finding.
"""
import json
import os
import sys
import time

hoard = []
for line in sys.stdin:
    req = json.loads(line)
    if req.get("op") == "ping":
        print(json.dumps({"ok": True, "tool": "fake", "version": "0.0"}), flush=True)
        continue
    code = req.get("code", "")
    if "CRASH" in code:
        os._exit(3)
    if "HANG" in code:
        time.sleep(3600)
    if "GARBAGE" in code:
        print("this is not json", flush=True)
        continue
    if "HUGE" in code:
        sys.stdout.write('{"ok":true,"results":[' + "1," * (3 << 20) + "1]}\n")
        sys.stdout.flush()
        continue
    if "TWICE" in code:
        one = json.dumps({"ok": True, "results": []}) + "\n"
        sys.stdout.write(one + one)
        sys.stdout.flush()
        continue
    if "LATE" in code:
        print(json.dumps({"ok": True, "results": []}), flush=True)
        time.sleep(0.05)
        print(json.dumps({"ok": True, "results": []}), flush=True)
        continue
    if "REFUSE" in code:
        print(json.dumps({"ok": False, "error": "refused on purpose"}), flush=True)
        continue
    if "FAT" in code:
        hoard.append(bytearray(80 << 20))
        for i in range(0, len(hoard[-1]), 4096):
            hoard[-1][i] = 1
    print(json.dumps({"ok": True, "results": [{
        "test_id": "B999", "test_name": "fake", "issue_severity": "HIGH",
        "issue_confidence": "HIGH", "issue_text": "pid %d" % os.getpid(),
        "line_number": 1, "line_range": [1]}], "errors": []}), flush=True)

"""TAP for the Python test scripts, as tests/tap.h is for the C ones:
ok(), eq() and diag() print test lines, plan() ends the run with the plan
line and returns the exit status.

    sys.path.insert(0, os.path.join(HERE, ".."))  # tests/
    from tap import ok, eq, diag, plan
"""
_n = 0
_failed = 0


def ok(cond, msg):
    global _n, _failed
    _n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, msg), flush=True)
    if not cond:
        _failed += 1
    return cond


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line, flush=True)


def eq(got, want, msg):
    if not ok(got == want, msg):
        diag("got  %r\nwant %r" % (got, want))


def plan():
    """Print the plan ("1..N") and return the exit status (1 if any failed)."""
    print("1..%d" % _n, flush=True)
    return 1 if _failed else 0

#!/usr/bin/env python3
"""Turn the result lines of tests/gen/run-period.sh into PASS:/FAIL:/XFAIL:
lines (tests/e2e/lib.sh style), honouring tests/data/regress/KNOWN-OTHER-LANE.

    python3 tests/gen/classify.py KNOWN_LIST < results

A list line is `CASE-GLOB` or `CASE-GLOB || DETAIL-SUBSTRING`, then an
optional `# why`.  The glob matches the case id "SET DOC PERIOD CHECK"
(fnmatch); the substring, when given, must be in the failure's message too.
A failure that a line covers prints "XFAIL:" (a known bug of another lane);
any other failure prints "FAIL:" with the command that reproduces it.  A
list line that covers cases of which none fails prints "FAIL: (fixed, remove
from list)" (the list must shrink as the other lanes' fixes land), and one
that covers no case of this run a NOTE (soak runs draw other shapes).
"""
import fnmatch
import sys


def main():
    known = []
    with open(sys.argv[1], encoding="utf-8") as fh:
        for raw in fh:
            s = raw.split("#", 1)[0].strip()
            if not s:
                continue
            glob, _, sub = s.partition("||")
            known.append({"line": raw.strip(), "glob": glob.strip(), "sub": sub.strip(), "hit_fail": 0, "hit": 0})
    passed = failed = xfailed = 0
    for raw in sys.stdin:
        parts = raw.rstrip("\n").split("\t")
        if len(parts) < 4:
            continue
        verdict, case, detail, repro = parts[:4]
        covering = [k for k in known if fnmatch.fnmatchcase(case, k["glob"])]
        for k in covering:
            k["hit"] += 1
        if verdict == "pass":
            passed += 1
            print("PASS: " + case)
            continue
        match = [k for k in covering if not k["sub"] or k["sub"] in detail]
        if match:
            for k in match:
                k["hit_fail"] += 1
            xfailed += 1
            print("XFAIL: %s: %s  [listed: %s]" % (case, detail[:160], match[0]["line"]))
        else:
            failed += 1
            print("FAIL: %s: %s\n    reproduce: %s" % (case, detail, repro))
    for k in known:
        if k["hit"] == 0:
            print("NOTE: no case of this run matches list line: %s" % k["line"])
        elif k["hit_fail"] == 0:
            failed += 1
            print("FAIL: (fixed, remove from list) %s" % k["line"])
    print("generative: %d passed, %d failed, %d known failures of other lanes" % (passed, failed, xfailed),
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Print the periods of a contract term, one per line, as `opsreport
--period` spells them: every month, quarter, half and year that overlaps the
term, then `term`.  With --few: the first and last month and `term`.

    python3 tests/gen/periods.py DATA_DIR [--few]

The term is read from the data set's contract (the <term> element).
"""
import datetime as dt
import glob
import re
import sys


def term_of(data):
    for f in sorted(glob.glob(data + "/*.xml")):
        with open(f, encoding="utf-8", errors="replace") as fh:
            m = re.search(r'<term start="(\d{4}-\d{2}-\d{2})" end="(\d{4}-\d{2}-\d{2})"', fh.read())
        if m:
            return dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
    sys.exit("periods.py: no <term> in %s" % data)


def main():
    data = sys.argv[1]
    few = "--few" in sys.argv[2:]
    ci = "--ci" in sys.argv[2:]
    start, end = term_of(data)
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    out = []
    if few:
        out = ["%d-%02d" % months[0]] + (["%d-%02d" % months[-1]] if len(months) > 1 else [])
    else:
        bounded = ci and len(months) > 4
        ms = ["%d-%02d" % ym for ym in months]
        out += ms[:1] + ms[-1:] if bounded else ms
        for fmt, key in (("%d-Q%d", lambda ym: (ym[1] - 1) // 3 + 1), ("%d-H%d", lambda ym: 1 if ym[1] <= 6 else 2)):
            seen = []
            for ym in months:
                p = fmt % (ym[0], key(ym))
                if p not in seen:
                    seen.append(p)
            out += seen[:1] if bounded else seen
        years = sorted({"%d" % ym[0] for ym in months})
        out += years[:1] if bounded else years
    out.append("term")
    print("\n".join(out))


if __name__ == "__main__":
    main()

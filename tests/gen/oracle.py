#!/usr/bin/env python3
"""An independent reading of the records: recompute a few of the facts'
figures from the record files and compare them with `opsreport facts`.

    python3 tests/gen/oracle.py DATA_DIR FACTS.xml

Figures (the readings of data/rules/kpi-rules.xml's notes): per system, the
period's minutes (whole Beijing days clipped to the term), maintenance
minutes, down minutes (outages of incidents whose cause is not external,
clipped to the period, united, minus maintenance of the same system),
availability; page inspections required/done (days / days with a page
inspection); server inspections required/done (ISO weeks touching the
period / those weeks with a server inspection anywhere in them); the number
of incidents reported in the period.  Prints "ok<TAB>CHECK" or
"bad<TAB>CHECK<TAB>WHAT" lines like check-figures.py.
"""
import datetime as dt
import glob
import sys
import xml.etree.ElementTree as ET

BJ = dt.timezone(dt.timedelta(hours=8))
EPOCH = dt.datetime(1970, 1, 1, tzinfo=BJ)


def minute(s):
    """A record time as minutes since 1970-01-01 00:00 Beijing time."""
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=BJ)
    return int((t - EPOCH).total_seconds() // 60)


def day_minute(d):
    return (d - dt.date(1970, 1, 1)).days * 1440


def union(iv):
    out = []
    for a, b in sorted(iv):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def length(iv):
    return sum(b - a for a, b in iv)


def subtract(iv, cut):
    res = []
    for a, b in iv:
        pieces = [[a, b]]
        for c, d in cut:
            nxt = []
            for x, y in pieces:
                if d <= x or c >= y:
                    nxt.append([x, y])
                else:
                    if c > x:
                        nxt.append([x, c])
                    if d < y:
                        nxt.append([d, y])
            pieces = nxt
        res += pieces
    return res


def main():
    data, facts_path = sys.argv[1:3]
    f = ET.parse(facts_path).getroot()
    p0 = dt.date.fromisoformat(f.get("start"))
    p1 = dt.date.fromisoformat(f.get("end"))
    lo, hi = day_minute(p0), day_minute(p1 + dt.timedelta(days=1))
    roots = []
    for path in sorted(glob.glob(data + "/*.xml")):
        roots.append(ET.parse(path).getroot())
    outages, windows, page_days, server_days, reported = {}, {}, {}, {}, 0
    for r in roots:
        if r.tag == "incidents":
            for inc in r.findall("incident"):
                t = minute(inc.find("reported").get("at"))
                if lo <= t < hi:
                    reported += 1
                if inc.get("cause") == "external":
                    continue
                for o in inc.findall("outage"):
                    outages.setdefault(inc.get("system"), []).append([minute(o.get("start")), minute(o.get("end"))])
        elif r.tag == "maintenance":
            for w in r.findall("window"):
                windows.setdefault(w.get("system"), []).append([minute(w.get("start")), minute(w.get("end"))])
        elif r.tag == "inspections":
            for i in r.findall("inspection"):
                d = (EPOCH + dt.timedelta(minutes=minute(i.get("at")))).date()
                (page_days if i.get("kind") == "page" else server_days).setdefault(i.get("system"), set()).add(d)
    out = []

    def cmp(check, want, got):
        if str(want) == str(got):
            out.append("ok\t" + check)
        else:
            out.append("bad\t%s\tfacts say %s, the records give %s" % (check, got, want))

    weeks = set()
    d = p0
    while d <= p1:
        weeks.add(d.isocalendar()[:2])
        d += dt.timedelta(days=1)
    for s in f.findall("system"):
        sid = s.get("id")
        period = [[lo, hi]]
        maint = union([[max(a, lo), min(b, hi)] for a, b in windows.get(sid, []) if min(b, hi) > max(a, lo)])
        down = union([[max(a, lo), min(b, hi)] for a, b in outages.get(sid, []) if min(b, hi) > max(a, lo)])
        down = subtract(down, maint)
        total = length(subtract(period, maint))
        cmp("%s period-minutes" % sid, hi - lo, s.get("period-minutes"))
        cmp("%s maintenance-minutes" % sid, length(maint), s.get("maintenance-minutes"))
        cmp("%s down-minutes" % sid, length(down), s.get("down-minutes"))
        if total > 0:
            # half-up to three decimals, as the facts print it
            num = (total - length(down)) * 100000 * 2 + total
            avail = num // (2 * total)
            cmp("%s availability" % sid, "%d.%03d" % divmod(avail, 1000), s.get("availability"))
        pd = {x for x in page_days.get(sid, set()) if p0 <= x <= p1}
        cmp("%s page-required" % sid, (p1 - p0).days + 1, s.get("page-required"))
        cmp("%s page-done" % sid, len(pd), s.get("page-done"))
        sw = {x.isocalendar()[:2] for x in server_days.get(sid, set())} & weeks
        cmp("%s server-required" % sid, len(weeks), s.get("server-required"))
        cmp("%s server-done" % sid, len(sw), s.get("server-done"))
    cmp("incidents reported", reported, len(f.findall("incident")))
    print("\n".join(out))


if __name__ == "__main__":
    main()

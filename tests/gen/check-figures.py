#!/usr/bin/env python3
"""Compare the key figures printed in one rendered document with the facts
of the same period, and look for the sample contract's words.

    python3 tests/gen/check-figures.py DOC FACTS.xml TEXT SAMPLE_WORDS

TEXT is the document's pdftotext output; white space is removed before
comparing (pdftotext puts spaces between Chinese and digits and breaks table
cells over lines), as tests/e2e/docs-reports.sh does.  Prints one line per
check: "ok<TAB>CHECK" or "bad<TAB>CHECK<TAB>WHAT WAS WRONG".

The figures, formatted as the templates format them (f:percent, f:money):
  availability of every system   monthly half-year year-end packet
  score                          monthly half-year year-end kpi packet
  score with grade, tail amount  kpi packet (tail only when the contract has a fee)
"""
import re
import sys
import xml.etree.ElementTree as ET


def money(s):
    whole, _, frac = s.partition(".")
    neg = whole.startswith("-")
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if neg else "") + "¥" + ",".join(groups) + "." + (frac + "00")[:2]


def main():
    doc, facts_path, text_path, words_path = sys.argv[1:5]
    facts = ET.parse(facts_path).getroot()
    with open(text_path, encoding="utf-8", errors="replace") as fh:
        text = re.sub(r"\s+", "", fh.read())
    with open(words_path, encoding="utf-8") as fh:
        words = [w.strip() for w in fh if w.strip() and not w.startswith("#")]
    out = []

    def want(check, needle):
        needle = re.sub(r"\s+", "", needle)
        if needle and needle in text:
            out.append("ok\t" + check)
        else:
            out.append("bad\t%s\t'%s' not in the PDF text" % (check, needle))

    if doc in ("monthly", "half-year", "year-end", "packet"):
        for s in facts.findall("system"):
            if s.get("availability") is not None:
                want("availability %s" % s.get("id"), s.get("availability") + "%")
    kpi = facts.find("kpi")
    if kpi is not None and doc in ("monthly", "half-year", "year-end", "kpi", "packet"):
        want("score", kpi.get("score") + "分")
        if doc in ("kpi", "packet"):
            want("grade", kpi.get("score") + "分" + kpi.get("grade"))
            if kpi.get("tail") is not None:
                want("tail", money(kpi.get("tail")) + "（人民币")
    found = [w for w in words if w in text]
    if found:
        out.append("bad\tsample-words\t%s" % " ".join(found[:6]))
    else:
        out.append("ok\tsample-words")
    print("\n".join(out))


if __name__ == "__main__":
    main()

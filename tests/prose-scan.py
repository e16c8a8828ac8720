#!/usr/bin/env python3
"""Scans rendered documents for the faults of issue 8.1 that a reader sees
in running text, line by line as printed (pdftotext -bbox-layout: words on
one baseline make a line, split where a gap wider than 1.5 em separates
table cells):
  glued id    a record id (an id= of the data set's record files that has a
              - or _) or an ISO date followed directly by a Latin letter or
              digit (S-web-2026-W47SSL, 2026-12-312026)
  doubled     。。 ，， 、、 ；； ：： (unless the record text itself holds them)
  line start  a line that starts with a closing mark (，。、；：？！）》」』”’…)
usage: prose-scan.py DATA_DIR FILE.pdf...
Prints one line a fault (file, page, what, the line) and exits 1 when any."""
import glob, html, os, re, subprocess, sys
import xml.etree.ElementTree as ET

data, pdfs = sys.argv[1], sys.argv[2:]
ids = set()
for path in glob.glob(os.path.join(data, "*.xml")):
    try:
        for el in ET.parse(path).iter():
            v = el.get("id")
            if v and len(v) >= 3 and re.search(r"[-_]", v):
                ids.add(v)
    except ET.ParseError:
        pass
# the records' own text: a doubled mark the record itself holds is the
# record's (`check` warns about it), not the template's
own = []
for path in glob.glob(os.path.join(data, "*.xml")):
    try:
        for el in ET.parse(path).iter():
            own.append(el.text or "")
            own.extend(el.attrib.values())
    except ET.ParseError:
        pass
own = re.sub(r"\s+", "", "".join(own))   # justified lines come back with spaces between characters
longest = sorted(ids, key=len, reverse=True)
id_re = re.compile("(" + "|".join(re.escape(i) for i in longest) + r")(?=[A-Za-z0-9])") if ids else None
date_re = re.compile(r"(?<![0-9])\d{4}-\d{2}-\d{2}(?=[A-Za-z0-9])")
doubled_re = re.compile(r"(。。|，，|、、|；；|：：)")
closing = "，。、；：？！）》」』”’…〕】〉"
word_re = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')

def lines_of(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    for pno, page in enumerate(re.findall(r"<page.*?</page>", out, re.S), 1):
        rows = []   # [centre, height, words]
        for m in word_re.finditer(page):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            w = (x0, x1, html.unescape(m.group(5)))
            c, h = (y0 + y1) / 2, y1 - y0
            for r in rows:
                if abs(r[0] - c) < 0.3 * max(h, r[1]):
                    r[2].append(w)
                    break
            else:
                rows.append([c, h, [w]])
        for c, h, words in sorted(rows):
            words.sort()
            seg, last = "", None
            for x0, x1, t in words:
                if last is not None and x0 - last > 1.5 * h:
                    yield pno, seg
                    seg = ""
                elif last is not None and x0 - last > 0.1 * h:
                    seg += " "
                seg += t
                last = x1 if last is None else max(last, x1)
            if seg:
                yield pno, seg

faults = 0
for pdf in pdfs:
    for pno, line in lines_of(pdf):
        found = []
        for m in (id_re.finditer(line) if id_re else []):
            found.append("glued id " + line[m.start():m.end() + 4])
        for m in date_re.finditer(line):
            found.append("glued date " + line[m.start():m.end() + 4])
        for m in doubled_re.finditer(line):
            if re.sub(r"\s+", "", line[max(0, m.start() - 12):m.start()])[-4:] + m.group(1) not in own:
                found.append("doubled " + m.group(1))
        if line[0] in closing:
            found.append("line starts with " + line[0])
        for x in found:
            faults += 1
            print("%s p%d: %s: %s" % (os.path.basename(pdf), pno, x, line[:70]))
sys.exit(1 if faults else 0)

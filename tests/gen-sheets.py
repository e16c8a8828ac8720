#!/usr/bin/env python3
"""Test sheets that export-records.py does not make.

gen-sheets.py bomb OUT.xlsx          a workbook whose sheet inflates 1000:1 (zip bomb)
gen-sheets.py big OUT.xlsx ROWS BAD  an inspections sheet of ROWS check rows (10 per
                                     inspection), streamed into the zip part by part
                                     (openpyxl would take minutes for a million rows);
                                     BAD=1 puts an unmappable result in the last row
gen-sheets.py csv OUT.csv ROWS       the same rows as UTF-8 CSV (benchmark)
"""
import datetime, sys, zipfile

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="巡检记录表" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
          '</Relationships>')
STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
HEAD = ["巡检类型", "系统", "巡检时间", "巡检人", "巡检项", "结果", "检查值"]
SST = HEAD + ["页面巡检", "vr", "lihao", "首页可访问", "正常", "HTTP 200", "好"]


def rows(n):
    start = datetime.datetime(2026, 6, 10, 9, 0)
    for i in range(n):
        at = start + datetime.timedelta(minutes=i // 10)   # 10 checks per inspection
        yield at, i


def serial(at):
    d = at - datetime.datetime(1899, 12, 30)
    return d.days + d.seconds / 86400


def skeleton(z):
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
    z.writestr("xl/styles.xml", STYLES)


def big(out, n, bad):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        skeleton(z)
        sst = "".join("<si><t>%s</t></si>" % s for s in SST)
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>' % sst)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            f.write(('<row r="1">' + "".join('<c r="%s1" t="s"><v>%d</v></c>' % ("ABCDEFG"[j], j) for j in range(7)) + "</row>").encode())
            buf = []
            for at, i in rows(n):
                r = i + 2
                res = 13 if bad and i == n - 1 else 11
                buf.append('<row r="%d"><c r="A%d" t="s"><v>7</v></c><c r="B%d" t="s"><v>8</v></c><c r="C%d" s="1"><v>%.8f</v></c>'
                           '<c r="D%d" t="s"><v>9</v></c><c r="E%d" t="inlineStr"><is><t>检查项%d</t></is></c><c r="F%d" t="s"><v>%d</v></c>'
                           '<c r="G%d" t="s"><v>12</v></c></row>' % (r, r, r, r, serial(at), r, r, i % 10, r, res, r))
                if len(buf) == 10000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write("".join(buf).encode())
            f.write(b"</sheetData></worksheet>")


def csv_rows(out, n):
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEAD) + "\r\n")
        for at, i in rows(n):
            f.write("页面巡检,vr,%s,lihao,检查项%d,正常,\"HTTP 200, %d ms\"\r\n" % (at.strftime("%Y-%m-%d %H:%M"), i % 10, i % 997))


def bomb(out):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        skeleton(z)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * (1 << 20)
            for _ in range(64):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")


if sys.argv[1] == "bomb":
    bomb(sys.argv[2])
elif sys.argv[1] == "big":
    big(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
else:
    csv_rows(sys.argv[2], int(sys.argv[3]))

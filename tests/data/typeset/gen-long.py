# Writes the long-content typesetting test documents of tests/e2e/typeset.sh
# (rowspan-mid.xml … auto-widths.xml); their output is committed, so the
# tests do not run this.  usage: python3 gen-long.py tests/data/typeset
import os, sys
out = sys.argv[1]
HAN = "运维巡检记录系统服务数据安全检查报告结果正常处理完成情况说明问题整改措施落实监测告警响应时限"
def han(n, seed=0):
    return "".join(HAN[(seed + i * 7) % len(HAN)] for i in range(n))
def head(title, extra=""):
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {title}: generated content whose every token (a letter and digits) must appear in the PDF exactly once. -->\n<document title="{title}" date="2026-07-01"{extra}>\n'
def write(name, body):
    open(os.path.join(out, name), "w", encoding="utf-8").write(body)

# 1. rowspan group of 3 rows x 40 lines, starting mid-page
b = head("rowspan-mid")
for i in range(1, 8):
    b += f"  <p>前文段落P{i:02d}：{han(60, i)}。</p>\n"
b += '  <table widths="12mm 30mm 1*" header-rows="1" caption="表1　跨行分组">\n'
b += '    <tr header="true"><td>序号</td><td>分组名称</td><td>明细说明栏</td></tr>\n'
b += '    <tr><td>1</td><td>单行</td><td>X0001</td></tr>\n'
for r in range(3):
    lines = "<br/>".join(f"R{r+1}L{k:02d}：{han(12, r * 40 + k)}" for k in range(1, 41))
    lead = '<td rowspan="3">2</td><td rowspan="3">跨行标签甲</td>' if r == 0 else ""
    b += f"    <tr>{lead}<td>{lines}</td></tr>\n"
b += '    <tr><td>3</td><td>末行</td><td>X0002</td></tr>\n  </table>\n  <p>后文T0001。</p>\n</document>\n'
write("rowspan-mid.xml", b)

# 2. rowspan groups taller than a page: a long spanning text over short rows,
#    and a short label over 70 rows
b = head("rowspan-tall")
b += '  <table widths="12mm 40mm 1*" header-rows="1" caption="表1　超过一页的跨行分组">\n'
b += '    <tr header="true"><td>序号</td><td>分组名称</td><td>明细说明栏</td></tr>\n'
span = "<br/>".join(f"S{k:03d}{han(6, k)}" for k in range(1, 121))
for r in range(3):
    lead = f'<td rowspan="3">1</td><td rowspan="3" valign="top">{span}</td>' if r == 0 else ""
    b += f"    <tr>{lead}<td>A{r+1:03d}{han(20, r)}</td></tr>\n"
for r in range(70):
    lead = '<td rowspan="70">2</td><td rowspan="70">跨行标签乙</td>' if r == 0 else ""
    b += f"    <tr>{lead}<td>B{r+1:03d}{han(30, r)}</td></tr>\n"
b += '  </table>\n</document>\n'
write("rowspan-tall.xml", b)

# 3. an acceptance-like checklist for six systems
b = head("six-systems")
b += '  <p>统计区间说明。</p>\n'
b += '  <table widths="10mm 22mm 1* 1* 1.1* 13mm 0.9*" header-rows="1" size="小五" caption="表1　验收清单">\n'
b += '    <tr header="true"><td align="center">序号</td><td>合同条款</td><td>要求</td><td>完成情况</td><td>佐证材料</td><td align="center">验收结论</td><td>备注</td></tr>\n'
systems = [f"系统{c}" for c in "甲乙丙丁戊己"]
n = 0
groups = [("巡检频次", 2, 30), ("系统可用性", 1, 12), ("技术支持", 3, 4), ("文档", 2, 2)]
for gi, (label, per, miss) in enumerate(groups, 1):
    rows = [(s, k) for s in systems for k in range(per)]
    for ri, (s, k) in enumerate(rows):
        n += 1
        lead = f'<td align="center" rowspan="{len(rows)}">{gi}</td><td rowspan="{len(rows)}">{label}（第{gi}项）</td>' if ri == 0 else ""
        dates = "、".join(f"D{n:03d}{d:02d}" for d in range(1, miss + 1))
        b += f'    <tr>{lead}<td>要求{han(18, n)}</td><td>{s}：M{n:03d}</td><td>记录{han(10, n)}</td><td align="center">合格</td><td>漏检：{dates}</td></tr>\n'
b += '  </table>\n</document>\n'
write("six-systems.xml", b)

# 4. a form field of 5,000 Chinese characters
b = head("form-long")
long = "".join(f"F{k:04d}{han(96, k)}。" for k in range(1, 51))
b += '  <form columns="2">\n    <field label="编号">Q0001</field><field label="日期">Q0002</field>\n'
b += f'    <field label="详细说明" span="2">{long}</field>\n    <field label="结论" span="2">Q0003</field>\n  </form>\n</document>\n'
write("form-long.xml", b)

# 5. a cover field of 2,000 characters
b = head("cover-long")
long = "".join(f"C{k:03d}{han(46, k)}。" for k in range(1, 41))
b += f'  <cover>\n    <title>封面长字段测试</title>\n    <field label="项目名称">{long}</field>\n    <field label="编制单位">E0001</field>\n  </cover>\n  <h1>正文</h1>\n  <p>正文T0001。</p>\n</document>\n'
write("cover-long.xml", b)

# 6. a list of 200 items in a table cell
b = head("list-cell")
items = "".join(f"<item>L{k:03d}{han(50, k)}</item>" for k in range(1, 201))
b += '  <table widths="25mm 1*" header-rows="1">\n    <tr header="true"><td>事项</td><td>清单明细栏</td></tr>\n'
b += f'    <tr><td>列表单元格</td><td>前言G0001<list type="decimal">{items}</list>后记G0002</td></tr>\n  </table>\n</document>\n'
write("list-cell.xml", b)

# 7. a keep block of three pages
b = head("keep-long")
b += "  <p>块前Z0001。</p>\n  <keep>\n"
for k in range(1, 46):
    b += f"    <p>K{k:04d}{han(70, k)}。</p>\n"
b += "  </keep>\n  <p>块后Z0002。</p>\n</document>\n"
write("keep-long.xml", b)

# 8. a very long heading, caption and signature block
b = head("long-misc")
b += f'  <h1>H0001{han(300, 3)}</h1>\n  <p>正文T0001。</p>\n'
b += f'  <table widths="20mm 1*" header-rows="1" caption="表1　V0001{han(150, 5)}V0002">\n    <tr header="true"><td>项目</td><td>内容</td></tr>\n    <tr><td>一</td><td>T0002</td></tr>\n  </table>\n'
signs = "".join(f'<sign label="签字人{k}" width="30mm">N{k:03d}{han(30, k)}</sign>' for k in range(1, 9))
b += f"  <signature>{signs}</signature>\n</document>\n"
write("long-misc.xml", b)

# 9. a table without widths: a short column beside a cell of 3,000 characters
b = head("auto-widths")
long = "".join(f"W{k:03d}{han(46, k)}。" for k in range(1, 61))
b += f'  <table header-rows="1">\n    <tr header="true"><td>序号</td><td>说明</td></tr>\n    <tr><td>1</td><td>{long}</td></tr>\n  </table>\n</document>\n'
write("auto-widths.xml", b)

# 10. a table whose first row does not fit under its caption and header at
#     the foot of a page, and header rows taller than half a page
b = head("table-start")
for i in range(1, 13):
    b += f"  <p>前文段落P{i:02d}：{han(60, i)}。</p>\n"
rows = "<br/>".join(f"Y{k:02d}{han(10, k)}" for k in range(1, 21))
b += '  <table widths="20mm 1*" header-rows="1" caption="表1　首行较高的表格">\n'
b += '    <tr header="true"><td>项目</td><td>首行表头栏</td></tr>\n'
b += f'    <tr><td>一</td><td>{rows}</td></tr>\n  </table>\n'
head_cell = "<br/>".join(f"U{k:02d}{han(8, k)}" for k in range(1, 31))
b += '  <table widths="20mm 1*" header-rows="1">\n'
b += f'    <tr header="true"><td>高表头</td><td>{head_cell}</td></tr>\n'
for k in range(1, 41):
    b += f'    <tr><td>{k}</td><td>O{k:02d}{han(20, k)}</td></tr>\n'
b += '  </table>\n</document>\n'
write("table-start.xml", b)

# 11. two spanning cells, each taller than a page, ending on the same row
#     (once repeated each other's cut text without end), over rows whose
#     last ones are empty (once refused as "a line taller than a page")
b = head("span-pair")
a = "<br/>".join(f"J{k:03d}{han(8, k)}" for k in range(1, 101))
c = "<br/>".join(f"K{k:03d}{han(8, k + 3)}" for k in range(1, 101))
b += '  <table widths="40mm 40mm 1*" header-rows="1">\n    <tr header="true"><td>甲栏</td><td>乙栏</td><td>丙栏</td></tr>\n'
b += f'    <tr><td rowspan="5">{a}</td><td>I001</td><td>I002</td></tr>\n'
b += f'    <tr><td rowspan="4">{c}</td><td>I003</td></tr>\n'
b += '    <tr><td>I004</td></tr>\n    <tr><td/></tr>\n    <tr><td/></tr>\n  </table>\n</document>\n'
write("span-pair.xml", b)

#!/usr/bin/env python3
"""Exports record XML (inspections, incidents) to a sheet as a Chinese
operations team keeps it: Chinese headers and values, one row per check
item (巡检记录表) or per incident (故障台账), as CSV (any Python codec; CRLF,
like Excel) or .xlsx (openpyxl: real date cells, numbers, and the cells of
one inspection merged down its rows).  Used by tests/e2e/import.sh for the
round trip and by bench/run.sh.

usage: export-records.py inspections|incidents OUT.csv|OUT.xlsx [--encoding E] XML...
"""
import csv, datetime, sys
import xml.etree.ElementTree as ET

KIND_ZH = {"page": "页面巡检", "server": "服务器巡检"}
RESULT_ZH = {"pass": "正常", "warn": "警告", "fail": "异常"}
SCOPE_ZH = {"in": "范围内", "out": "范围外"}
INC_KIND_ZH = {"fault": "故障", "emergency": "应急事件", "request": "服务请求", "security": "安全事件"}
CAUSE_ZH = {"human": "人为", "equipment": "设备", "software": "软件", "third-party": "第三方", "external": "不可抗力"}
CHANNEL_ZH = {"phone": "电话", "inspection": "巡检", "monitoring": "监控"}
IMPACT_ZH = {"serious": "较大故障", "major": "重大故障"}
YN = {"true": "是", "false": "否"}

INSP_HEAD = ["序号", "巡检编号", "巡检类型", "系统", "巡检时间", "巡检人", "复核人", "巡检项", "结果", "检查值", "备注",
             "问题编号", "发现问题", "问题范围", "隐患", "发现时间", "报告时间", "解决时间", "关联故障"]
INC_HEAD = ["序号", "故障编号", "系统", "类型", "级别", "原因分类", "需到场", "故障描述", "报告时间", "报告人", "报告渠道",
            "响应时间", "响应人", "到场时间", "解决时间", "中断开始", "中断结束", "中断模块", "故障原因", "处理措施",
            "改进建议", "建议采纳", "报告提交日期", "影响程度", "扣分", "重复故障", "数据丢失"]
TIME_COLS = {"巡检时间", "发现时间", "报告时间", "解决时间", "响应时间", "到场时间", "中断开始", "中断结束"}
DATE_COLS = {"报告提交日期"}


def when(s):
    """'2026-07-01T09:05' -> datetime (an .xlsx date cell)."""
    return datetime.datetime.strptime(s[:16], "%Y-%m-%dT%H:%M") if s else None


def inspections(files):
    """Rows, and for each inspection the (first, last) row numbers to merge."""
    rows, groups, n = [], [], 0
    for f in files:
        for ins in ET.parse(f).getroot():
            first = len(rows)
            head = [ins.get("id"), KIND_ZH[ins.get("kind")], ins.get("system"), ins.get("at"),
                    ins.get("inspector", ""), ins.get("reviewer", "")]
            for el in ins:
                n += 1
                if el.tag == "check":
                    row = [n] + head + [el.get("name"), RESULT_ZH[el.get("result")], el.get("value", ""),
                                        el.get("note", "")] + [""] * 8
                else:
                    row = [n] + head + [""] * 4 + [el.get("id"), (el.text or "").strip(), SCOPE_ZH[el.get("scope")],
                                                   YN[el.get("hazard", "false")], el.get("found", ""),
                                                   el.get("reported", ""), el.get("resolved", ""), el.get("incident", "")]
                rows.append(row)
            groups.append((first, len(rows) - 1))
    return rows, groups


def text_of(inc, tag):
    el = inc.find(tag)
    return (el.text or "").strip() if el is not None else ""


def attr_of(inc, tag, name):
    el = inc.find(tag)
    return el.get(name, "") if el is not None else ""


def incidents(files):
    rows, n = [], 0
    for f in files:
        for inc in ET.parse(f).getroot():
            n += 1
            outs = inc.findall("outage") or [None]
            sug = inc.find("suggestion")
            for k, o in enumerate(outs):
                out = [o.get("start"), o.get("end"), o.get("module", "")] if o is not None else ["", "", ""]
                if k:
                    rows.append(["", inc.get("id")] + [""] * 13 + out + [""] * 9)
                    continue
                ch = attr_of(inc, "reported", "channel")
                rows.append([n, inc.get("id"), inc.get("system"), INC_KIND_ZH[inc.get("kind")], inc.get("level", ""),
                             CAUSE_ZH.get(inc.get("cause", ""), ""), YN[inc.get("onsite-required", "false")],
                             text_of(inc, "title"), attr_of(inc, "reported", "at"), attr_of(inc, "reported", "by"),
                             CHANNEL_ZH.get(ch, ch), attr_of(inc, "responded", "at"), attr_of(inc, "responded", "by"),
                             attr_of(inc, "onsite", "at"), attr_of(inc, "resolved", "at")] + out +
                            [text_of(inc, "cause-text"), text_of(inc, "action"), text_of(inc, "suggestion"),
                             YN[sug.get("adopted", "false")] if sug is not None else "",
                             attr_of(inc, "report", "submitted"), IMPACT_ZH.get(inc.get("impact", ""), ""),
                             inc.get("deduction", ""), inc.get("repeat-of", ""), YN[inc.get("data-loss", "false")]])
    return rows


def csv_text(head, rows, merged_groups):
    out = [head]
    for i, r in enumerate(rows):
        r = ["" if v is None else str(v) for v in r]
        r = [v.replace("T", " ") if head[j] in TIME_COLS and v else v for j, v in enumerate(r)]
        out.append(r)
    # Excel saves a merged cell's value in its first row only.
    for first, last in merged_groups:
        for i in range(first + 1, last + 1):
            for j in range(1, 7):
                out[i + 1][j] = ""
    return out


def main():
    args = sys.argv[1:]
    enc = "utf-8-sig"
    if "--encoding" in args:
        k = args.index("--encoding")
        enc = args[k + 1]
        del args[k:k + 2]
    kind, out, files = args[0], args[1], args[2:]
    if kind == "inspections":
        head, (rows, groups) = INSP_HEAD, inspections(files)
    else:
        head, rows, groups = INC_HEAD, incidents(files), []
    if out.endswith(".csv"):
        with open(out, "w", encoding=enc, newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(csv_text(head, rows, groups))
        return
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "巡检记录表" if kind == "inspections" else "故障台账"
    ws.append(head)
    for r in rows:
        cells = []
        for j, v in enumerate(r):
            if head[j] in TIME_COLS and v:
                v = when(v)
            elif head[j] in DATE_COLS and v:
                v = datetime.datetime.strptime(v, "%Y-%m-%d").date()
            elif head[j] in ("级别", "序号", "扣分") and v != "":
                v = float(v) if "." in str(v) else int(v)
            cells.append(v)
        ws.append(cells)
    for j, h in enumerate(head, start=1):
        if h in TIME_COLS:
            for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                c.number_format = "yyyy-mm-dd hh:mm"
    for first, last in groups:
        if last > first:
            for j in range(2, 8):
                ws.merge_cells(start_row=first + 2, end_row=last + 2, start_column=j, end_column=j)
    wb.save(out)


main()

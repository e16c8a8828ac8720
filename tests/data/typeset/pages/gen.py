#!/usr/bin/env python3
"""Writes the page-keeping test documents (tests/e2e/pages.sh).  Run from
this directory; the outputs are committed.  Report profile: 12 pt body,
20 pt lines, a type area of about 35 lines; a one-line <p> takes 25 pt."""
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<document title="{t}" date="2026-07-01">\n'
def filler(n, tag="F"):
    return "".join(f'  <p>{tag}{i:02d}填充段落运行平稳。</p>\n' for i in range(1, n + 1))
def two_line(tag):
    return f'  <p>{tag}本段用于测试分页时标题与正文的关系，段落长度为两行左右，使排版结果便于检验和比较，不含其他内容。</p>\n'
docs = {}
# 1. A heading whose next block, a <keep>, does not fit under it: the keep
#    moves on, the heading would be left at the page foot.  Then a heading
#    and a lead-in line at the foot of page 2 whose list goes on to page 3:
#    the old code kept the heading with the lead-in only, both stranded.
docs["heading-foot"] = HEAD.format(t="heading-foot") + filler(26) + \
    '  <h2 numbered="false">标题甲在页脚</h2>\n  <keep>\n' + \
    "".join(f'    <p>K{i}保持块内的段落。</p>\n' for i in range(1, 7)) + '  </keep>\n' + \
    filler(18, "G") + '  <h2 numbered="false">标题丁带引导句</h2>\n  <p>情况如下：</p>\n  <list>\n' + \
    "".join(f'    <item>M{i}列表项目的内容较长，需要两行才能排完，用于检验标题和引导句是否与列表分开放置在不同页面上。</item>\n' for i in range(1, 4)) + \
    '  </list>\n</document>\n'
# 2. A lead-in line (ending in ：) followed by its list, at the page foot.
docs["lead-in"] = HEAD.format(t="lead-in") + filler(27) + \
    '  <p>引导句后面是列表：</p>\n  <list type="decimal">\n' + \
    "".join(f'    <item>L{i}列表项目的内容较长，需要两行才能排完，用于检验引导句是否与列表分开放置在不同页面上。</item>\n' for i in range(1, 5)) + \
    '  </list>\n</document>\n'
# 2b. keep-with-next="true" on a paragraph that does not end in ：.
docs["keep-next"] = HEAD.format(t="keep-next") + filler(27) + \
    '  <p keep-with-next="true">显式保持的引导段</p>\n  <table><tr header="true"><td>列一</td><td>列二</td></tr>' + \
    "".join(f'<tr><td>R{i}</td><td>行内容</td></tr>' for i in range(1, 4)) + '</table>\n</document>\n'
# 3. A sign-off block after text that fills its page: today it goes alone
#    onto the last page.
docs["sign-off"] = HEAD.format(t="sign-off") + filler(24) + two_line("E") + two_line("Z") + \
    '  <keep>\n    <p indent="0">双方确认：</p>\n    <signature><sign label="代表签字" width="40mm"/><sign label="日期" width="35mm"/></signature>\n' + \
    '    <seal label="（甲方盖章）" size="38mm" align="right"/>\n    <signature><sign label="代表签字" width="40mm"/><sign label="日期" width="35mm"/></signature>\n  </keep>\n</document>\n'
# 4. A heading with a table in a <keep> after it, at 55% of the page: moving
#    both leaves about 45% of the page blank.
docs["third-blank"] = HEAD.format(t="third-blank") + filler(15) + \
    '  <h2 numbered="false">标题乙后接长表</h2>\n  <keep>\n  <table caption="长表"><tr header="true"><td>序号</td><td>内容</td></tr>' + \
    "".join(f'<tr><td>T{i:02d}</td><td>表格行内容</td></tr>' for i in range(1, 25)) + '</table>\n  </keep>\n' + \
    filler(2, "J") + '</document>\n'
# 5. Shrinking: a heading and a paragraph that fit under the page only when
#    the space between the paragraphs above shrinks.
docs["shrink"] = HEAD.format(t="shrink") + filler(14) + \
    '  <h2 numbered="false">标题丙靠收缩</h2>\n  <keep>\n' + \
    "".join(f'    <p>Y{i:02d}保持块内的段落。</p>\n' for i in range(1, 15)) + '  </keep>\n' + \
    filler(2, "W") + '</document>\n'
for name, text in docs.items():
    with open(name + ".xml", "w", encoding="utf-8") as f:
        f.write(text)

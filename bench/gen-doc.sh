#!/bin/sh
# Writes a large layout document to stdout: FORMS one-page inspection
# records (form, check table, signature lines), then SECTIONS sections of
# paragraphs and a long table whose header repeats on every page.
# usage: gen-doc.sh [FORMS] [SECTIONS] [ROWS]
FORMS=${1:-800}
SECTIONS=${2:-20}
ROWS=${3:-300}
awk -v forms="$FORMS" -v sections="$SECTIONS" -v rows="$ROWS" 'BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<document profile=\"report\" title=\"基准测试文档\" author=\"opsreport bench\" date=\"2026-08-04\">"
    split("首页可访问 VR场景加载 解说音频播放 互动热点响应 表单提交 全文检索 栏目更新 链接有效性 证书有效期 CDN回源 备份完成 日志审计", checks, " ")
    for (i = 1; i <= forms; i++) {
        d = (i - 1) % 28 + 1
        printf "<h2 numbered=\"false\" toc=\"false\">页面业务可用性巡检记录 P-2026%02d%02d-%03d</h2>\n", (i % 12) + 1, d, i
        print "<form columns=\"2\" label-width=\"22mm\">"
        printf "<field label=\"巡检编号\">P-2026-%04d</field><field label=\"巡检类型\">页面业务可用性</field>\n", i
        printf "<field label=\"巡检时间\">2026年7月%d日 09:%02d</field><field label=\"系统\">“三城一区”VR实景</field>\n", d, i % 60
        print "<field label=\"巡检人\">王洋</field><field label=\"审核人\">马立坤</field>"
        print "</form>"
        print "<table widths=\"10mm 1* 22mm 2*\" header-rows=\"1\"><tr header=\"true\"><td>序号</td><td>检查项</td><td>结果</td><td>说明</td></tr>"
        for (k = 1; k <= 12; k++) {
            r = ((i + k) % 17 == 0) ? "异常" : "正常"
            printf "<tr><td align=\"center\">%d</td><td>%s</td><td align=\"center\">%s</td><td>响应时间0.%02d秒，HTTP 200，内容与发布一致</td></tr>\n", k, checks[k], r, (i * k) % 90 + 10
        }
        print "</table>"
        print "<p>巡检结论：本次巡检共检查12项，发现的问题已按运维流程登记并处理，处理结果见故障记录。巡检人与审核人核对无误后签字确认。</p>"
        print "<signature><sign label=\"巡检人\" width=\"30mm\"/><sign label=\"审核人\" width=\"30mm\"/><sign label=\"日期\" width=\"30mm\"/></signature>"
        print "<page-break/>"
    }
    for (s = 1; s <= sections; s++) {
        printf "<h1>第%d部分　运行数据明细</h1>\n", s
        for (p = 0; p < 3; p++)
            print "<p>本部分列出报告期内每日的可用性监测数据。监测采用一分钟间隔的探测，记录响应时间、状态码与可用性；计划维护窗口内的停机不计入故障时间，外部原因（不可抗力）造成的中断亦不计入。数据来源为运维监测平台导出的记录，经运维项目经理审核。</p>"
        print "<table widths=\"12mm 24mm 1* 1* 1* 20mm\" zebra=\"true\" header-rows=\"1\">"
        print "<tr header=\"true\"><td>序号</td><td>日期</td><td>探测次数</td><td>失败次数</td><td>平均响应</td><td>可用率</td></tr>"
        for (r = 1; r <= rows; r++)
            printf "<tr><td align=\"center\">%d</td><td>2026-%02d-%02d</td><td align=\"right\">1440</td><td align=\"right\">%d</td><td align=\"right\">%d ms</td><td align=\"right\">%.3f%%</td></tr>\n", r, (r % 12) + 1, (r % 28) + 1, r % 5, 300 + (r * 37) % 200, 100 - (r % 5) / 14.4
        print "</table>"
    }
    print "</document>"
}'

#!/bin/sh
# Writes a data set of N inspection records (default 1,000) into DIR: the
# sample contract plus inspections spread over the term, two page
# inspections a day for "vr" and one for "web", each with ten checks.
# usage: gen-inspections.sh DIR [N]
set -eu
DIR=$1
N=${2:-1000}
mkdir -p "$DIR"
cp samples/records/contract.xml "$DIR/contract.xml"
awk -v n="$N" 'BEGIN {
    split("首页可访问 VR场景加载 解说音频播放 互动热点响应 表单提交 全文检索 栏目更新 链接有效性 证书有效期 CDN回源", checks, " ")
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<inspections>"
    # days since 2026-06-10, as calendar dates
    split("31 31 30 31 30 31 31 28 31 30 31", mdays, " ")
    for (i = 0; i < n; i++) {
        slot = i % 3; day = int(i / 3)
        y = 2026; m = 6; d = 10 + day
        k = 1
        while (d > (m == 6 ? 30 : mdays[k])) {
            d -= (m == 6 ? 30 : mdays[k]); if (m != 6) k++
            m++; if (m > 12) { m = 1; y++ }
        }
        sys = slot == 2 ? "web" : "vr"
        hh = slot == 1 ? 15 : 9
        printf "  <inspection id=\"B-%05d\" kind=\"page\" system=\"%s\" at=\"%04d-%02d-%02dT%02d:%02d\" inspector=\"lihao\" reviewer=\"zhouming\">\n", i + 1, sys, y, m, d, hh, i % 60
        for (c = 1; c <= 10; c++)
            printf "    <check name=\"%s\" result=\"%s\" value=\"HTTP 200, 0.%02d s\"/>\n", checks[c], ((i + c) % 53 == 0 ? "warn" : "pass"), (i * c) % 90 + 10
        print "  </inspection>"
    }
    print "</inspections>"
}' > "$DIR/inspections.xml"

#!/bin/sh
# Writes a data set of N incidents (default 100,000) into DIR: the sample
# contract plus N requests and faults spread over the term (about 270 a
# day), each with a timeline, cause and action.
# usage: gen-incidents.sh DIR [N]
set -eu
DIR=$1
N=${2:-100000}
mkdir -p "$DIR"
cp samples/records/contract.xml "$DIR/contract.xml"
awk -v n="$N" 'BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<incidents>"
    split("31 31 30 31 30 31 31 28 31 30 31", mdays, " ")
    per_day = int(n / 360) + 1
    for (i = 0; i < n; i++) {
        day = int(i / per_day); y = 2026; m = 6; d = 10 + day; k = 1
        while (d > (m == 6 ? 30 : mdays[k])) {
            d -= (m == 6 ? 30 : mdays[k]); if (m != 6) k++
            m++; if (m > 12) { m = 1; y++ }
        }
        mi = i % per_day; hh = 8 + int(mi / 60) % 10; mm = mi % 60
        sys = i % 2 ? "web" : "vr"
        if (i % 3) {
            printf "  <incident id=\"B-%06d\" system=\"%s\" kind=\"request\" level=\"4\">\n", i + 1, sys
        } else {
            printf "  <incident id=\"B-%06d\" system=\"%s\" kind=\"fault\" level=\"%d\" cause=\"software\">\n", i + 1, sys, 3 + i % 2
        }
        printf "    <title>基准测试事件%d：栏目页面加载缓慢</title>\n", i + 1
        printf "    <reported at=\"%04d-%02d-%02dT%02d:%02d\" by=\"韩雪\" channel=\"phone\"/>\n", y, m, d, hh, mm
        printf "    <responded at=\"%04d-%02d-%02dT%02d:%02d\" by=\"lihao\"/>\n", y, m, d, hh + 1, mm
        printf "    <resolved at=\"%04d-%02d-%02dT%02d:%02d\"/>\n", y, m, d, hh + 3, mm
        print "    <cause-text>缓存服务器负载过高，页面回源超时</cause-text>"
        print "    <action>清理缓存并扩容回源带宽，复测正常</action>"
        print "  </incident>"
    }
    print "</incidents>"
}' > "$DIR/incidents.xml"

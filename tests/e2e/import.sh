#!/bin/sh
# opsreport init and import: CSV (GBK with CRLF, UTF-8 with BOM) and .xlsx
# (openpyxl: merged cells, date cells, numbers), every error path, a round
# trip of the sample records through both, and init -> imports -> check ->
# monthly report.
. tests/e2e/lib.sh
PY=/usr/bin/python3
T=$E2E_TMP
S=samples/records
strip() { sed -E 's/ (file|line)="[^"]*"//g; s#[^ "]*/[a-z0-9-]*\.xml(:[0-9]+)?##g' "$1"; }
count() { ls "$1" | wc -l; }

# ---- init ----
$BIN init $T/new --id C-9 --title 测试合同 --client 甲方单位 --client-rep 王某 --vendor 乙方公司 \
    --start 2026-06-09 --end 2027-06-08 --system vr:展示系统:important:audio=音频处理 --system web:门户网站:general \
    --person lihao:李浩:工程师:onsite --person hetao:何涛:项目经理 --fee 208800.00 --payment 80:signing --payment 20:acceptance \
    >$T/init.out 2>&1
if [ $? -eq 0 ] && $BIN check --data $T/new >/dev/null 2>&1 && [ -f $T/new/README.md ] &&
   grep -q 'response-minutes="30"' $T/new/contract.xml && grep -q '<module id="audio" name="音频处理"/>' $T/new/contract.xml; then
    pass "init writes a contract that check accepts, SLA defaults and README"
else fail "init" "$(cat $T/init.out)"; fi
cp $T/new/contract.xml $T/contract.before
$BIN init $T/new --id X --client a --vendor b --start 2026-01-01 --end 2026-12-31 --system a:b:general >$T/o 2>&1
rc=$?
if [ $rc -eq 1 ] && cmp -s $T/new/contract.xml $T/contract.before && grep -q 'exists already' $T/o; then
    pass "init never overwrites (exit 1, file unchanged)"; else fail "init overwrite" "rc=$rc $(cat $T/o)"; fi
$BIN init $T/other --id X --client a >$T/o 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'usage: opsreport init' $T/o && [ ! -e $T/other/contract.xml ]; then
    pass "init without required options: exit 2 with usage"; else fail "init usage" "rc=$rc"; fi

# ---- round trip: samples -> CSV (GBK, CRLF) / xlsx -> import -> same facts ----
$BIN facts --data $S --period term --today 2027-06-30 -q >$T/orig.xml 2>/dev/null
strip $T/orig.xml >$T/orig.s
$PY tests/export-records.py incidents $T/inc.csv $S/incidents.xml
$PY tests/export-records.py inspections $T/insp-gbk.csv --encoding gbk $S/inspections-*.xml
$PY tests/export-records.py incidents $T/inc.xlsx $S/incidents.xml
$PY tests/export-records.py inspections $T/insp.xlsx $S/inspections-*.xml
if head -c 200 $T/insp-gbk.csv | grep -q "$(printf '\r')" && ! iconv -f utf-8 -t utf-8 $T/insp-gbk.csv >/dev/null 2>&1; then
    pass "fixture: the inspections CSV is GBK with CRLF"; else fail "GBK fixture"; fi
for via in csv xlsx; do
    D=$T/rt-$via; mkdir -p $D; cp $S/*.xml $D/; rm $D/inspections-*.xml $D/incidents.xml $D/deliverables.xml
    if [ $via = csv ]; then insp=$T/insp-gbk.csv; inc=$T/inc.csv; else insp=$T/insp.xlsx; inc=$T/inc.xlsx; fi
    $BIN import incidents $inc --data $D -q >$T/o 2>&1 && $BIN import inspections $insp --data $D -q >>$T/o 2>&1
    rc=$?
    cp $S/deliverables.xml $D/
    $BIN facts --data $D --period term --today 2027-06-30 -q >$T/rt.xml 2>/dev/null
    strip $T/rt.xml >$T/rt.s
    if [ $rc -eq 0 ] && cmp -s $T/orig.s $T/rt.s && grep -q 'availability="99.671"' $T/rt.xml; then
        pass "round trip via $via: facts --period term identical (availability, inspections, incidents, score)"
    else fail "round trip via $via" "rc=$rc $(head -3 $T/o) $(diff $T/orig.s $T/rt.s | head -4)"; fi
done
D=$T/rt-csv
n=$(count $D)
$BIN import inspections $T/insp-gbk.csv --data $D >$T/o 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(count $D)" -eq $n ] && grep -q 'nothing new: all 827 records' $T/o; then
    pass "importing the same sheet twice changes nothing"; else fail "reimport" "rc=$rc $(cat $T/o)"; fi
$BIN import inspections $T/insp.xlsx --data $D >$T/o 2>&1
if [ $? -eq 0 ] && [ "$(count $D)" -eq $n ]; then pass "the xlsx of the same records is recognised as already there"
else fail "reimport xlsx" "$(cat $T/o)"; fi

# UTF-8 with BOM, dry run
D=$T/bom; mkdir -p $D; cp $S/contract.xml $D/
$PY tests/export-records.py incidents $T/inc-bom.csv --encoding utf-8-sig $S/incidents.xml
$BIN import incidents $T/inc-bom.csv --data $D --dry-run >$T/dry.xml 2>$T/o
if [ $? -eq 0 ] && [ "$(count $D)" -eq 1 ] && head -c 3 $T/inc-bom.csv | od -An -tx1 | grep -q 'ef bb bf' &&
   grep -q '<incident id="INC-2026-003" system="vr" kind="fault" level="3" cause="software">' $T/dry.xml &&
   grep -q '<outage start="2026-07-07T08:41" end="2026-07-07T10:48" module="audio"/>' $T/dry.xml; then
    pass "UTF-8 CSV with BOM; --dry-run prints the records and writes nothing"; else fail "bom/dry-run" "$(cat $T/o)"; fi

# ---- error paths: each exits 1, names FILE:row:column, writes nothing ----
D=$T/err; mkdir -p $D; cp $S/contract.xml $D/
err() {   # NAME EXPECTED-TEXT import args...
    name=$1; want=$2; shift 2
    $BIN import "$@" --data $D >$T/o 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -qF -- "$want" $T/o && [ "$(ls -A $D | wc -l)" -eq 1 ]; then pass "$name"
    else fail "$name" "rc=$rc $(head -3 $T/o)"; fi
}
csv() { printf "$2" | iconv -f utf-8 -t "${3:-utf-8}" >$T/$1; }
err "bad encoding: GBK read as UTF-8" "is not valid utf-8" inspections $T/insp-gbk.csv --encoding utf-8
csv unknown.csv '巡检类型,系统,巡检时间,巡检项,结果,颜色\r\n页面巡检,vr,2026-07-01 09:05,首页,正常,红\r\n'
err "unknown header" 'unknown.csv:1:F: error: unknown column header "颜色"' inspections $T/unknown.csv
csv value.csv '巡检类型,系统,巡检时间,巡检项,结果\r\n页面巡检,vr,2026-07-01 09:05,首页,正常\r\n页面巡检,vr,2026-07-01 09:05,栏目,好\r\n'
err "unmappable value: FILE:row:column, value, expected" 'value.csv:3:E: error: column "结果" (result): "好" is not a result value (expected pass, warn, fail; or as the map spells them: 正常' inspections $T/value.csv
csv date.csv '巡检类型,系统,巡检时间,巡检项,结果\r\n页面巡检,vr,2026-07-32 09:05,首页,正常\r\n'
err "bad date" 'date.csv:2:C: error: column "巡检时间" (at): "2026-07-32 09:05" is not a date and time' inspections $T/date.csv
csv sys.csv '巡检类型,系统,巡检时间,巡检项,结果\r\n页面巡检,nosuch,2026-07-01 09:05,首页,正常\r\n'
err "unknown system" '"nosuch" is not a system of the contract (expected vr, web' inspections $T/sys.csv
csv quote.csv '巡检类型,系统,巡检时间,巡检项,结果\r\n页面巡检,vr,2026-07-01 09:05,"首页,正常\r\n'
err "unclosed quote" 'quote.csv:2: error: a quoted field is not closed' inspections $T/quote.csv
cp $S/incidents.xml $D/
csv dup.csv '故障编号,系统,类型,报告时间,故障描述\r\nINC-2026-003,vr,故障,2026-07-07 09:12,另一个故障\r\n'
$BIN import incidents $T/dup.csv --data $D >$T/o 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'dup.csv:2: error: incident "INC-2026-003" is already in .*incidents.xml:24 with other content' $T/o &&
   [ "$(ls -A $D | wc -l)" -eq 2 ]; then pass "duplicate id with other content: error naming both places"
else fail "duplicate id" "rc=$rc $(cat $T/o)"; fi
rm $D/incidents.xml
head -c 20000 $T/insp.xlsx >$T/trunc.xlsx
err "truncated xlsx" 'not a readable .xlsx' inspections $T/trunc.xlsx
$PY tests/gen-sheets.py bomb $T/bomb.xlsx
err "zip bomb refused before inflating" 'refused as a zip bomb' inspections $T/bomb.xlsx
printf 'not a zip' >$T/fake.xlsx
err "not a workbook" 'not a readable .xlsx' inspections $T/fake.xlsx
$BIN import probes $T/x.db --data $D >$T/o 2>&1
if [ $? -eq 2 ] && grep -q 'import probes: --system SYS is missing' $T/o; then pass "import probes is dispatched to the probes importer"; else fail "import probes dispatch"; fi
$BIN import inspections >$T/o 2>&1
if [ $? -eq 2 ] && grep -q 'usage: opsreport import' $T/o; then pass "import usage: exit 2"; else fail "import usage"; fi

# ---- a million-row sheet streams in bounded memory (last row unmappable) ----
$PY tests/gen-sheets.py big $T/big.xlsx 1000000 1
/usr/bin/time -f %M -o $T/rss $BIN import inspections $T/big.xlsx --data $D >$T/o 2>&1
rc=$?
rss=$(tail -n 1 $T/rss)
if [ $rc -eq 1 ] && grep -q 'big.xlsx:1000001:F: error: column "结果" (result): "好"' $T/o && [ "$rss" -lt 400000 ] &&
   [ "$(ls -A $D | wc -l)" -eq 1 ]; then
    pass "1,000,000-row xlsx streamed: error on row 1000001, peak RSS ${rss} KB, nothing written"
else fail "million rows" "rc=$rc rss=$rss $(head -2 $T/o)"; fi

# ---- done when: init, GBK CSV of inspections + xlsx 故障台账 + Uptime Kuma, check, monthly report ----
D=$T/done
$BIN init $D --id KW-TEST --client 甲方 --vendor 乙方 --start 2026-06-09 --end 2027-06-08 \
    --system vr:展示系统:important:audio=音频处理,hotspot=互动元素 --system web:网站模板:general:tpl=栏目页模板,cms=内容发布 >/dev/null 2>&1
csv fb.csv '序号,类别,日期,调查类型,评价人,评价,来源级别,内容\r\n1,满意度调查,2026/7/22,日常,信息处,满意,,\r\n2,满意度调查,2026年7月31日,总体,王某,非常满意,,\r\n3,投诉,2026-08-02,,,,重要,"响应慢，""未及时""回电"\r\n4,表扬,2026-10-09,,,,一般,保障到位\r\n' gb18030
csv docs.csv '文档类型,周期,关联故障,提交日期,错别字\r\n周报,2026-W27,,2026-07-06,\r\n月报,2026-07,,2026-08-04,3\r\n故障报告,,INC-2026-003,2026-07-08,\r\n'
# an Uptime Kuma 1.x database (its own table definitions) with a month of
# one-minute heartbeats for the first system, 30 of them down
sqlite3 $T/kuma.db <tests/data/import-probes/kuma1-schema.sql
sqlite3 $T/kuma.db <<EOF
INSERT INTO monitor (id, name, interval, url, type) VALUES (1, '官网首页', 60, 'https://example.gov.cn/', 'http');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 44639)
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration)
SELECT 1, CASE WHEN i BETWEEN 600 AND 629 THEN 0 ELSE 1 END, '',
  strftime('%Y-%m-%d %H:%M:%S', $(date -u -d '2026-06-30 16:00:00' +%s) + i * 60, 'unixepoch'), 200, 0, 60
FROM n;
EOF
$BIN import incidents $T/inc.xlsx --data $D -q >$T/o 2>&1 && $BIN import inspections $T/insp-gbk.csv --data $D -q >>$T/o 2>&1 &&
    $BIN import feedback $T/fb.csv --data $D -q >>$T/o 2>&1 && $BIN import deliverables $T/docs.csv --data $D -q >>$T/o 2>&1 &&
    $BIN import probes $T/kuma.db --data $D --system vr --from 2026-07-01 --to 2026-07-31 -q >>$T/o 2>&1 &&
    $BIN check --data $D >>$T/o 2>&1 &&
    $BIN render monthly --data $D --period 2026-07 --today 2026-08-05 -q -o $T/monthly.pdf >>$T/o 2>&1
rc=$?
if [ $rc -eq 0 ] && qpdf --check $T/monthly.pdf >/dev/null 2>&1 && pdftotext $T/monthly.pdf - | grep -q '巡检'; then
    pass "init, GBK CSV inspections, xlsx 故障台账, Uptime Kuma database, GB18030 feedback, deliverables: check accepts, monthly report renders"
else fail "done when" "rc=$rc $(tail -3 $T/o)"; fi
$BIN facts --data $D --period 2026-07 --today 2026-08-05 >$T/facts.xml 2>/dev/null
if grep -q 'probe-samples="44640"' $T/facts.xml && grep -q 'probe-ok="44610"' $T/facts.xml &&
   pdftotext $T/monthly.pdf - | tr -d '\n' | grep -q '拨测数据 *44640 *个，正常 *44610 *个'; then
    pass "Uptime Kuma heartbeats reach the facts and the monthly report (44,640 samples, 44,610 up)"
else fail "kuma in the monthly" "$(grep -o 'probe-[a-z]*="[^"]*"' $T/facts.xml | head -4)"; fi
if grep -q '<complaint date="2026-08-02" from="important">响应慢，&quot;未及时&quot;回电</complaint>' $D/feedback-import-*.xml 2>/dev/null ||
   grep -q '<complaint date="2026-08-02" from="important">响应慢，"未及时"回电</complaint>' $D/feedback-import-*.xml; then
    pass "feedback: quoted field with doubled quotes, date spellings 2026/7/22 and 2026年7月31日"
else fail "feedback import" "$(cat $D/feedback-import-*.xml | head -8)"; fi
if grep -q '<document kind="monthly" period="2026-07" submitted="2026-08-04" typos="3"/>' $D/deliverables-import-*.xml; then
    pass "deliverables: 月报 -> monthly, counts"; else fail "deliverables import"; fi

# ---- the worked example of docs/import.md: fill-down of merged/blank
# cells within an inspection only, systems by contract name, GBK ----
D=$T/doc
$BIN init $D --id KW-DOC --client 甲方单位 --vendor 乙方公司 --start 2026-06-09 --end 2027-06-08 \
    --system portal:门户网站:important:search=站内检索 --system app:移动端:general --person lihao:李浩:运维工程师:onsite --person hetao:何涛:项目经理 >/dev/null 2>&1
printf '序号,巡检日期,时间,系统,巡检类型,巡检项,结果,情况说明,备注,巡检人,复核人\r\n1,2026/7/1,9:05,门户网站,页面巡检,首页可访问,正常,"HTTP 200, 0.42 s",,lihao,hetao\r\n2,,,,,站内检索,异常,检索无结果,索引未更新,,\r\n3,,,,,栏目更新,警告,"当日更新 0 条，""通知公告""栏目",,,\r\n4,2026/7/3,10:00,门户网站,服务器巡检,CPU使用率,正常,23%%,,lihao,\r\n' |
    iconv -f utf-8 -t gbk >$T/doc.csv
cat >$T/doc.want <<'XML'
<inspections>
  <inspection id="P-portal-20260701-0905" kind="page" system="portal" at="2026-07-01T09:05" inspector="lihao" reviewer="hetao">
    <check name="首页可访问" result="pass" value="HTTP 200, 0.42 s"/>
    <check name="站内检索" result="fail" value="检索无结果" note="索引未更新"/>
    <check name="栏目更新" result="warn" value="当日更新 0 条，&quot;通知公告&quot;栏目"/>
  </inspection>
  <inspection id="S-portal-20260703-1000" kind="server" system="portal" at="2026-07-03T10:00" inspector="lihao">
    <check name="CPU使用率" result="pass" value="23%"/>
  </inspection>
</inspections>
XML
$BIN import inspections $T/doc.csv --data $D -o inspections-2026-07.xml >$T/o 2>&1
if [ $? -eq 0 ] && tail -n +3 $D/inspections-2026-07.xml | cmp -s - $T/doc.want; then
    pass "docs example: one inspection per time+system+kind, blanks filled within it only, system by name, -o NAME"
else fail "docs example" "$(cat $T/o; diff $T/doc.want $D/inspections-2026-07.xml)"; fi
$BIN import inspections $T/doc.csv --data $D -o inspections-2026-07.xml >$T/o 2>&1
if [ $? -eq 0 ] && grep -q 'nothing new' $T/o; then pass "-o NAME of an existing file: nothing new, nothing rewritten"
else fail "-o twice" "$(cat $T/o)"; fi
# the 故障台账 example of docs/import.md: a committed workbook made by
# openpyxl (level 三级 and a number, date cells in two custom formats, a
# continuation row adding an outage)
$BIN import incidents tests/data/import/incidents-docs.xlsx --data $D --dry-run >$T/inc.xml 2>$T/o
if [ $? -eq 0 ] && grep -q '<incident id="INC-portal-20260701-0915" system="portal" kind="fault" level="3" cause="software">' $T/inc.xml &&
   grep -q '<outage start="2026-07-01T10:50" end="2026-07-01T10:55" module="search"/>' $T/inc.xml &&
   grep -q '<report submitted="2026-07-03"/>' $T/inc.xml && grep -q '<reported at="2026-07-02T15:40" by="王某" channel="phone"/>' $T/inc.xml &&
   [ "$(grep -c '<incident ' $T/inc.xml)" -eq 2 ]; then
    pass "docs 故障台账 example (xlsx): ids, aliases, date cells, continuation outage"
else fail "docs incidents example" "$(cat $T/o) $(cat $T/inc.xml | head -20)"; fi

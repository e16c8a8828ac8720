#!/bin/sh
# End-to-end (issue 7 items 1–2): every document renders for any data set
# that `opsreport check` accepts, and prints no word of the sample contract.
# Data sets (tests/data/docs/):
#   contract-only  one contract, no optional element (no title, parties, fee,
#                  sla, staff, service), one system without modules
#   river          an invented contract sharing no word with the sample: other
#                  parties, 3 systems (one without modules), <service> items,
#                  term 2026-01-31 for 18 months, a few records of some kinds,
#                  most months without surveys or any record
#   six            (made here) 6 systems, some modules unnamed, term from
#                  29 February, nothing optional
#   sample-no-overall (made here) samples/records without the overall survey
#                  of 2026-07: the regression of report-kpi-cause.xml citing
#                  'overall' as a date
# For each: all 8 documents for the first month, a month without records, a
# quarter, a half, a year and the term exit 0, pass qpdf --check, contain no
# sample-contract word and no empty parenthesis, and name the contract's own
# parties and systems.
. tests/e2e/lib.sh
T=$E2E_TMP
D=tests/data/docs
DOCS="monthly half-year year-end acceptance inspections incidents kpi packet"
# Words of samples/records/contract.xml and of the seed contract's own nouns
# that no template may print for another contract.
SAMPLE_WORDS="三城一区 VR实景 音频 互动元素 首信云 科学技术委员会 中关村 工作委托合同 网站模板 网站模版 栏目页 内容发布
网站技术运维 系统应急服务 市科委 管委会 政府网站 场景 刘文博 周明 KW-2026-YW-02"

flat() { pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr -d ' \t\n\r\f'; }

# render_all SET DATA TODAY PERIOD...: renders every document for every
# period; leaves $T/SET-DOC-PERIOD.txt (flattened text) for the checks.
render_all() {
    set_=$1 data=$2 today=$3
    shift 3
    for p in "$@"; do
        for doc in $DOCS; do
            n=$set_-$doc-$p pdf=$T/$set_-$doc-$p.pdf
            if "$BIN" render "$doc" -q --data "$data" --period "$p" --today "$today" -o "$pdf" 2>"$T/$n.err"; then
                pass "$n renders"
            else
                fail "$n renders" "$(head -c 400 "$T/$n.err")"
                continue
            fi
            if qpdf --check "$pdf" >/dev/null 2>&1; then pass "$n: qpdf --check"; else fail "$n: qpdf --check" "$(qpdf --check "$pdf" 2>&1 | tail -n 2)"; fi
            flat "$pdf" > "$T/$n.txt"
        done
    done
}

# no_sample_words SET: none of SAMPLE_WORDS in any text of the set
no_sample_words() {
    for txt in "$T/$1"-*.txt; do
        [ -e "$txt" ] || { fail "$1: texts" "no document rendered"; return; }
        n=$(basename "$txt" .txt) found=
        for w in $SAMPLE_WORDS; do
            if grep -qF -- "$w" "$txt"; then found="$found $w"; fi
        done
        if [ -z "$found" ]; then pass "$n: no sample-contract words"; else fail "$n: sample-contract words" "$found"; fi
    done
}

# no_empty_parens SET: no "（）", "：）" or "（，" (an empty list or a value
# left out inside parentheses), no NaN
no_empty_parens() {
    for txt in "$T/$1"-*.txt; do
        [ -e "$txt" ] || continue
        n=$(basename "$txt" .txt)
        if grep -qE -- '（）|：）|（，|，）|NaN' "$txt"; then
            fail "$n: empty parenthesis" "$(grep -oE -- '.{0,12}(（）|：）|（，|，）|NaN).{0,6}' "$txt" | head -n 3 | tr '\n' ' ')"
        else
            pass "$n: no empty parenthesis"
        fi
    done
}

# has NAME TEXTFILE NEEDLE
has() {
    if [ -f "$2" ] && grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not in the PDF text"; fi
}
hasnt() {
    if [ -f "$2" ] && ! grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' in the PDF text (or no text)"; fi
}

# --- (a) contract only -------------------------------------------------------
C=$D/contract-only
expect "contract-only: check accepts it" "$BIN" check --data $C
render_all co $C 2026-12-31 2026-03 2026-07 2026-Q2 2026-H1 term
no_sample_words co
no_empty_parens co
M=$T/co-monthly-2026-03.txt
has "contract-only monthly: no title, in words" "$M" "根据合同（合同编号TEST-ONLY-1"
has "contract-only monthly: no parties, in words" "$M" "乙方为甲方提供"
has "contract-only monthly: system without modules" "$M" "运维对象为门户系统（一般系统）；"
has "contract-only monthly: service content from the record kinds" "$M" "服务内容包括日常巡检、故障处理等运维服务。"
has "contract-only monthly: no overall survey, in words" "$M" "期内未开展整体满意度调查"
has "contract-only monthly: no incidents, in words" "$M" "本月未受理故障、应急事件、服务请求或安全事件。"
has "contract-only monthly: no findings, in words" "$M" "本月巡检未发现问题。"
has "contract-only monthly: no tasks, in words" "$M" "本月无到期的甲方交办任务。"
has "contract-only monthly: no maintenance, in words" "$M" "本月无计划维护。"
has "contract-only monthly: missed inspections counted, not listed" "$M" "本月漏检37次：门户系统页面巡检漏检31天、服务器端巡检漏检6周。"
has "contract-only monthly: SLA defaults printed" "$M" "接到通知后不超过30分钟"
hasnt "contract-only monthly: no empty limit" "$M" "每日至少次"
has "contract-only year-end: no fee, in words" "$T/co-year-end-term.txt" "记录中未载明合同金额"
has "contract-only year-end: chapter 二 by kind of work" "$T/co-year-end-term.txt" "以下按运维工作类别逐项说明本年度工作完成情况。"
has "contract-only kpi: no tail, in words" "$T/co-kpi-term.txt" "合同未约定验收尾款。"
has "contract-only acceptance: many missed days counted, not listed" "$T/co-acceptance-term.txt" "漏检306天，明"
hasnt "contract-only acceptance: no list of 306 days" "$T/co-acceptance-term.txt" "2026年3月1日、"

# --- (b) an invented contract --------------------------------------------------
R=$D/river
expect "river: check accepts it" "$BIN" check --data $R
# 2026-01 is the term's first month (one day), 2026-08 has no record at all
render_all rv $R 2027-07-30 2026-01 2026-02 2026-08 2026-Q1 2026-H2 2026 term
no_sample_words rv
no_empty_parens rv
for t in "$T"/rv-*.txt; do
    [ -e "$t" ] || continue
    n=$(basename "$t" .txt)
    has "$n: contract title" "$t" "江南省防汛调度平台运行保障服务"
done
for doc in monthly half-year year-end packet; do
    for p in 2026-02 2026-H2 term; do
        t=$T/rv-$doc-$p.txt
        [ -e "$t" ] || continue
        for name in 江南省水利厅信息中心 青石数据服务股份有限公司 防汛会商系统 水库调度平台 水利政务公开门户 平台运行保障 调度模型维护 汛期应急值守; do
            has "rv-$doc-$p: names $name" "$t" "$name"
        done
    done
done
for p in 2026-02 term; do
    t=$T/rv-acceptance-$p.txt
    for name in 江南省水利厅信息中心 青石数据服务股份有限公司 防汛会商系统 水库调度平台 水利政务公开门户; do
        has "rv-acceptance-$p: names $name" "$t" "$name"
    done
done
M=$T/rv-monthly-2026-02.txt
has "river monthly: title as written" "$M" "根据《江南省防汛调度平台运行保障服务》合同（合同编号JN-SL-2026-017"
has "river monthly: 3 systems, the last without modules" "$M" "运维对象共3个系统：防汛会商系统（重要系统，功能模块：雨情监测、视频会商）、水库调度平台（重要系统，功能模块：调度模型）和水利政务公开门户（一般系统）；"
has "river monthly: service items" "$M" "服务内容包括平台运行保障、调度模型维护（水库调度平台）和汛期应急值守。"
has "river monthly: plan carries the service items" "$M" "继续做好调度模型维护（水库调度平台）：按汛期要求更新调度模型参数，完成水利厅交办的数据整理任务。"
has "river monthly: the contract's own SLA" "$M" "接到通知后不超过20分钟"
has "river monthly: no survey, in words" "$T/rv-monthly-2026-08.txt" "本月未开展用户满意度调查。"
has "river monthly: nothing in 2026-08, in words" "$T/rv-monthly-2026-08.txt" "本月未受理故障、应急事件、服务请求或安全事件。"
Y=$T/rv-year-end-2026.txt
has "river year-end: service table" "$Y" "合同约定的服务内容"
has "river year-end: a service item as a heading with its text" "$Y" "汛期应急值守合同约定：主汛期及台风期间安排专人值守，提供应急技术保障。"
has "river year-end: the item's records (maintenance under 调度模型维护)" "$Y" "本年度经甲方批准的计划维护1次"
has "river year-end: module work" "$Y" "防汛会商系统视频会商功能维护"

# --- six systems, term from 29 February, nothing optional ----------------------
S=$T/six
mkdir -p "$S"
cat > "$S/contract.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<contract version="1" id="SIX-1">
  <term start="2024-02-29" end="2025-02-27"/>
  <system id="a" name="甲系统" importance="important"><module id="m1" name="模块一"/><module id="m2"/></system>
  <system id="b" name="乙系统" importance="general"/>
  <system id="c" name="丙系统" importance="general"><module id="m1" name="模块三"/></system>
  <system id="d" name="丁系统" importance="important"/>
  <system id="e" name="戊系统" importance="general"/>
  <system id="f" name="己系统" importance="general"><module id="x"/></system>
</contract>
EOF
expect "six: check accepts it" "$BIN" check --data "$S"
render_all six "$S" 2025-02-27 2024-02 2024-H2 term
no_sample_words six
no_empty_parens six
has "six monthly: unnamed modules left out" "$T/six-monthly-2024-02.txt" "甲系统（重要系统，功能模块：模块一）、乙系统（一般系统）"
has "six monthly: system whose modules are all unnamed" "$T/six-monthly-2024-02.txt" "和己系统（一般系统）；"

# --- (c) the sample month without an overall survey ------------------------------
N=$T/sample-no-overall
cp -R samples/records "$N"
sed -i '/<survey date="2026-07-31" kind="overall"/d' "$N/feedback.xml"
if "$BIN" facts --data "$N" --period 2026-07 2>/dev/null | grep -q '<cause kind="survey" id="overall"'; then
    pass "sample-no-overall: 2026-07 has no overall survey"
else
    fail "sample-no-overall: 2026-07 has no overall survey" "the data set still has one: the regression is not exercised"
fi
# every report that cites the overall-satisfaction rule, for that month
for doc in monthly half-year year-end packet; do
    p=2026-07 n=sno-$doc-2026-07
    if "$BIN" render "$doc" -q --data "$N" --period "$p" --today 2027-06-08 -o "$T/$n.pdf" 2>"$T/$n.err"; then
        pass "$n renders"
        flat "$T/$n.pdf" > "$T/$n.txt"
    else
        fail "$n renders" "$(head -c 400 "$T/$n.err")"
    fi
done
has "sample-no-overall monthly: no overall survey, in words" "$T/sno-monthly-2026-07.txt" "期内未开展整体满意度调查"

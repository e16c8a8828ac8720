#!/bin/sh
# End-to-end: `opsreport import probes` from an Uptime Kuma 1.x database
# (heartbeat table), a 2.x database (stat_minutely table) and Prometheus
# query_range responses (one file, and a directory of overlapping chunks),
# into a data set holding the sample contract; `check` accepts the result
# and `facts --period 2026-07` gives the hand-worked probe figures.  Then
# the error paths, each of which must leave the data set untouched.
#
# The databases are made with the sqlite3 command from
# tests/data/import-probes/kuma{1,2}-schema.sql (Uptime Kuma's own table
# definitions); the JSON is shaped as Prometheus documents its response.
. tests/e2e/lib.sh
T=$E2E_TMP
FIX=tests/data/import-probes
JULY=1782835200   # 2026-07-01T00:00+08:00 = 2026-06-30T16:00:00Z

newdata() {   # a fresh data set with only the sample contract
    rm -rf "$T/$1"
    mkdir -p "$T/$1"
    cp samples/records/contract.xml "$T/$1/"
}

probe() {   # name, data dir, expected "samples ok availability" of vr in 2026-07
    if "$BIN" facts --data "$2" --period 2026-07 -o "$T/facts.xml" 2>"$T/facts.err"; then
        got=$(xmllint --xpath 'concat(/facts/system[@id="vr"]/@probe-samples," ",/facts/system[@id="vr"]/@probe-ok," ",/facts/system[@id="vr"]/@probe-availability)' "$T/facts.xml" 2>/dev/null)
        if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "got '$got', expected '$3'"; fi
    else
        fail "$1" "facts failed: $(cat "$T/facts.err")"
    fi
}

import_ok() {   # name, then the arguments of import probes
    name=$1; shift
    if "$BIN" import probes "$@" >"$T/out" 2>"$T/err"; then pass "$name"; else fail "$name" "$(cat "$T/err")"; fi
}

# import_fails NAME DIR PATTERN ARGS...: exits 1, says PATTERN, DIR unchanged.
import_fails() {
    name=$1; dir=$2; pattern=$3; shift 3
    before=$(ls -A "$dir" | sort; cat "$dir"/*.xml | cksum)
    "$BIN" import probes "$@" >"$T/out" 2>"$T/err"
    rc=$?
    after=$(ls -A "$dir" | sort; cat "$dir"/*.xml | cksum)
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit $rc, expected 1: $(cat "$T/err")"
    elif ! grep -q -- "$pattern" "$T/err"; then
        fail "$name" "no '$pattern' in: $(cat "$T/err")"
    elif [ "$before" != "$after" ]; then
        fail "$name" "the data set changed: $after"
    else
        pass "$name"
    fi
}

# --- Uptime Kuma 1.x: a month of one-minute heartbeats of monitor 1 ------
# 44,640 heartbeats from 2026-07-01 00:00 (Beijing) at 60 s, UTC times as
# 1.x writes them ("YYYY-MM-DD HH:MM:SS"):
#   07-10 10:00-10:29 down (30), 07-15 08:00-08:04 pending (5),
#   07-20 02:00-02:59 maintenance (60), and one extra down heartbeat at
#   07-25 12:00:30 inside an up minute.
# Samples: 44,640 - 60 maintenance = 44,580 minutes; down: 30 + 5 + 1 = 36;
# ok 44,544; 44,544 / 44,580 = 99.919 %.
K1=$T/kuma1.db
sqlite3 "$K1" <"$FIX/kuma1-schema.sql"
sqlite3 "$K1" <<EOF
INSERT INTO monitor (id, name, interval, url, type) VALUES (1, '官网首页', 60, 'https://example.gov.cn/', 'http');
INSERT INTO monitor (id, name, interval, url, hostname, type) VALUES (2, '接口', 60, 'https://', 'api.example.gov.cn', 'port');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 44639)
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration)
SELECT 1,
  CASE WHEN i BETWEEN 13560 AND 13589 THEN 0
       WHEN i BETWEEN 20640 AND 20644 THEN 2
       WHEN i BETWEEN 27480 AND 27539 THEN 3
       ELSE 1 END,
  '', strftime('%Y-%m-%d %H:%M:%S', $JULY + i * 60, 'unixepoch'),
  CASE WHEN i BETWEEN 13560 AND 13589 THEN NULL ELSE 200 + i % 100 END, 0, 60
FROM n;
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration)
VALUES (1, 0, 'timeout', '2026-07-25 04:00:30', NULL, 1, 30);
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration)
VALUES (2, 1, '', '2026-07-02 00:00:00', 12, 0, 60);
EOF

newdata k1
import_ok "kuma 1.x: import monitor by name" "$K1" --data "$T/k1" --system vr --monitor 官网首页
expect "kuma 1.x: one file for July" test -f "$T/k1/probes-vr-2026-07.xml"
expect "kuma 1.x: check accepts the data set" "$BIN" check --data "$T/k1"
probe "kuma 1.x: facts 2026-07 probe figures" "$T/k1" "44580 44544 99.919"
expect "kuma 1.x: summary counts by status" grep -q '44641 heartbeats: 44545 up, 31 down, 5 pending (counted as down), 60 maintenance (left out)' "$T/out"
expect "kuma 1.x: target from the monitor url" grep -q 'target="https://example.gov.cn/" interval="60"' "$T/k1/probes-vr-2026-07.xml"
expect "kuma 1.x: ping kept as ms" grep -q '<p t="2026-07-01T00:00:00" ok="1" ms="200"/>' "$T/k1/probes-vr-2026-07.xml"
expect "kuma 1.x: the minute of 07-25 12:00 is down" grep -q '<p t="2026-07-25T12:00:00" ok="0"/>' "$T/k1/probes-vr-2026-07.xml"
if grep -q 't="2026-07-20T02:30:00"' "$T/k1/probes-vr-2026-07.xml"; then fail "kuma 1.x: maintenance left out" "sample at 02:30"; else pass "kuma 1.x: maintenance left out"; fi
expect "kuma 1.x: no temporary file left" test "$(ls -A "$T/k1" | wc -l)" -eq 2
import_fails "kuma 1.x: importing again refuses the existing file" "$T/k1" "exists already" "$K1" --data "$T/k1" --system vr --monitor 1
import_fails "kuma 1.x: another name still refuses the same minutes" "$T/k1" "already has 1440 samples on 2026-07-01" "$K1" --data "$T/k1" --system vr --monitor 1 -o again.xml

# A running Uptime Kuma: another connection holds an exclusive lock (a
# plain reader is refused) while the import reads the file immutably.  The
# holder waits on a FIFO, so the test decides when it lets go.
newdata k1l
cp "$K1" "$T/live.db"
mkfifo "$T/release"
( printf "BEGIN EXCLUSIVE;\nINSERT INTO heartbeat (monitor_id, status, time) VALUES (1, 0, '2026-07-31 15:00:00');\n"; cat "$T/release"; printf "ROLLBACK;\n" ) | sqlite3 "$T/live.db" &
lockpid=$!
locked=no
for i in $(seq 50); do
    if ! sqlite3 "$T/live.db" "SELECT count(*) FROM heartbeat" >/dev/null 2>&1; then locked=yes; break; fi
    sleep 0.2
done
if [ "$locked" = yes ]; then pass "live database: the lock is held"; else fail "live database: the lock is held" "a plain reader got in"; fi
import_ok "live database: the import is not blocked by the lock" "$T/live.db" --data "$T/k1l" --system vr --monitor 1
probe "live database: same figures" "$T/k1l" "44580 44544 99.919"
echo >"$T/release"
wait "$lockpid"
expect "live database: no -shm or -journal left by the import" test "$(ls "$T" | grep -c '^live\.db-')" -eq 0
# WAL mode (as Uptime Kuma runs SQLite): changes still in the -wal file
# are not read, and the import says so.  The writer keeps its connection
# open (closing would fold the -wal into the database) until released.
cp "$K1" "$T/wal.db"
sqlite3 "$T/wal.db" "PRAGMA journal_mode=WAL;" >/dev/null
( printf "PRAGMA wal_autocheckpoint=0;\nINSERT INTO heartbeat (monitor_id, status, time) VALUES (1, 1, '2026-07-31 16:00:00');\n"; cat "$T/release" ) | sqlite3 "$T/wal.db" &
walpid=$!
for i in $(seq 50); do
    [ -s "$T/wal.db-wal" ] && [ "$(sqlite3 "$T/wal.db" "SELECT count(*) FROM heartbeat")" -eq 44643 ] && break
    sleep 0.2
done
newdata k1w
import_ok "wal database: imported" "$T/wal.db" --data "$T/k1w" --system vr --monitor 1
expect "wal database: warns about the unread -wal" grep -q "wal.db-wal: warning: .* bytes of recent changes are not read" "$T/err"
expect "wal database: the heartbeat in the -wal (08-01 00:00) is indeed not read" test ! -e "$T/k1w/probes-vr-2026-08.xml"
echo >"$T/release"
wait "$walpid"

newdata k1b
import_ok "kuma 1.x: --pending up" "$K1" --data "$T/k1b" --system vr --monitor 1 --pending up
probe "kuma 1.x: pending as up gives 5 more ok" "$T/k1b" "44580 44549 99.930"

newdata k1c
import_ok "kuma 1.x: --dry-run" "$K1" --data "$T/k1c" --system vr --monitor 1 --dry-run
expect "kuma 1.x: dry run writes nothing" test "$(ls -A "$T/k1c")" = contract.xml
expect "kuma 1.x: dry run says what it would write" grep -q 'would write .*probes-vr-2026-07.xml: 44580 one-minute samples, 44544 ok' "$T/out"

newdata k1d
import_ok "kuma 1.x: --from/--to and -o" "$K1" --data "$T/k1d" --system vr --monitor 1 --from 2026-07-10 --to 2026-07-10 -o vr-day.xml
probe "kuma 1.x: one day: 1440 samples, 30 down" "$T/k1d" "1440 1410 97.917"

# --- Uptime Kuma 2.x: stat_minutely ---------------------------------------
# A 2.x database whose heartbeat table holds nothing of monitor 1 in July
# (so the default --table auto takes stat_minutely) and a minute row per
# minute of July at a 20 s interval (3 heartbeats a minute):
#   07-10 10:00-10:29 down=3 (30 minutes), 07-15 08:00 up=2 down=1,
#   07-20 02:00-02:59 up=0 down=0 extras {"maintenance":3} (60).
# Samples 44,580; down 31; ok 44,549; 99.930 %.
K2=$T/kuma2.db
sqlite3 "$K2" <"$FIX/kuma1-schema.sql"
sqlite3 "$K2" <"$FIX/kuma2-schema.sql"
sqlite3 "$K2" <<EOF
INSERT INTO monitor (id, name, interval, url, type) VALUES (1, '官网首页', 20, 'https://example.gov.cn/', 'http');
INSERT INTO monitor (id, name, interval, url, type) VALUES (2, '接口', 60, 'https://api.example.gov.cn/', 'http');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 44639)
INSERT INTO stat_minutely (monitor_id, timestamp, ping, up, down, ping_min, ping_max, extras)
SELECT 1, $JULY + i * 60, 250.5,
  CASE WHEN i BETWEEN 13560 AND 13589 OR i BETWEEN 27480 AND 27539 THEN 0 WHEN i = 20640 THEN 2 ELSE 3 END,
  CASE WHEN i BETWEEN 13560 AND 13589 THEN 3 WHEN i = 20640 THEN 1 ELSE 0 END,
  200, 300,
  CASE WHEN i BETWEEN 27480 AND 27539 THEN '{"maintenance":3}' ELSE NULL END
FROM n;
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration, retries)
VALUES (2, 1, '', '2026-07-02 00:00:00.123', 12, 0, 60, 0);
EOF

newdata k2
import_ok "kuma 2.x: import from stat_minutely" "$K2" --data "$T/k2" --system vr --monitor 1
expect "kuma 2.x: the summary names stat_minutely" grep -q 'stat_minutely table: 44640 minutes: 44549 up, 31 with a down or pending heartbeat, 60 with neither' "$T/out"
expect "kuma 2.x: check accepts the data set" "$BIN" check --data "$T/k2"
probe "kuma 2.x: facts 2026-07 probe figures" "$T/k2" "44580 44549 99.930"
expect "kuma 2.x: mean ping rounded" grep -q '<p t="2026-07-01T00:00:00" ok="1" ms="251"/>' "$T/k2/probes-vr-2026-07.xml"
newdata k2b
import_ok "kuma 2.x: --table stat_minutely given" "$K2" --data "$T/k2b" --system vr --monitor 官网首页 --table stat_minutely
probe "kuma 2.x: same figures" "$T/k2b" "44580 44549 99.930"
newdata k2c
import_ok "kuma 2.x: heartbeat table of monitor 2 (millisecond times)" "$K2" --data "$T/k2c" --system web --monitor 2
expect "kuma 2.x: one heartbeat at 07-02 08:00" grep -q '<p t="2026-07-02T08:00:00" ok="1" ms="12"/>' "$T/k2c/probes-web-2026-07.xml"
import_fails "kuma 2.x: --table heartbeat has nothing of monitor 1" "$T/k2c" "no samples from 2026-06-09 to 2027-06-08" "$K2" --data "$T/k2c" --system vr --monitor 1 --table heartbeat

# --- Prometheus: query_range responses ----------------------------------
# probe_success at a 60 s step through July, timestamps with a fraction
# (…:00.781Z), two series (instance example.gov.cn and other.example):
# of example.gov.cn the scrapes of 07-05 09:00-09:14 are missing (no
# points, 15), 07-10 10:00-10:29 and 07-22 00:00-00:09 are "0" (40).
# Samples 44,640 - 15 = 44,625; ok 44,585; 99.910 %.
# Chunks of 11,000 points (Prometheus' limit per series) overlapping by 60.
PROM=$T/prom
mkdir -p "$PROM"
awk -v july="$JULY" -v dir="$PROM" 'BEGIN {
    n = 44640; size = 11000; stride = 10940
    for (k = 0; k * stride < n - 60; k++) {
        lo = k * stride; hi = lo + size; if (hi > n) hi = n
        f = sprintf("%s/chunk-%d.json", dir, k)
        printf "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" > f
        for (s = 0; s < 2; s++) {
            printf "%s{\"metric\":{\"__name__\":\"probe_success\",\"instance\":\"%s\",\"job\":\"blackbox\"},\"values\":[", (s ? "," : ""), (s ? "https://other.example/" : "https://example.gov.cn/") > f
            first = 1
            for (i = lo; i < hi; i++) {
                if (s == 0 && i >= 6300 && i <= 6314) continue
                v = (s == 0 && ((i >= 13560 && i <= 13589) || (i >= 30240 && i <= 30249))) ? "0" : "1"
                printf "%s[%d.781,\"%s\"]", (first ? "" : ","), july + i * 60, v > f
                first = 0
            }
            printf "]}" > f
        }
        printf "]}}\n" > f
        close(f)
    }
}'

newdata p1
import_ok "prometheus: chunked directory with --match" "$PROM" --data "$T/p1" --system vr --match instance=https://example.gov.cn/
expect "prometheus: five chunks, duplicates of the overlaps dropped" grep -q '5 responses, 44865 points, 240 duplicates of overlapping chunks dropped' "$T/out"
expect "prometheus: check accepts the data set" "$BIN" check --data "$T/p1"
probe "prometheus: facts 2026-07 probe figures" "$T/p1" "44625 44585 99.910"
expect "prometheus: target from the instance label" grep -q 'target="https://example.gov.cn/" interval="60"' "$T/p1/probes-vr-2026-07.xml"

newdata p2
import_ok "prometheus: one response file" "$PROM/chunk-0.json" --data "$T/p2" --system vr --match instance=https://example.gov.cn/ --match job=blackbox
probe "prometheus: first chunk only: 11,000 - 15 samples, all ok" "$T/p2" "10985 10985 100.000"

# --- error paths: each exits 1 and leaves the data set as it was ---------
newdata e
echo "not a database" >"$T/not.db"
import_fails "error: not an SQLite file" "$T/e" "not an SQLite database" "$T/not.db" --data "$T/e" --system vr
sqlite3 "$T/nomon.db" "CREATE TABLE heartbeat (id INTEGER PRIMARY KEY, time DATETIME, status SMALLINT);"
import_fails "error: no monitor table" "$T/e" "no monitor table" "$T/nomon.db" --data "$T/e" --system vr
sqlite3 "$T/nohb.db" <"$FIX/kuma1-schema.sql"
sqlite3 "$T/nohb.db" "DROP TABLE heartbeat; INSERT INTO monitor (id, name) VALUES (1, 'a');"
import_fails "error: no heartbeat table" "$T/e" "neither a heartbeat nor a stat_minutely table" "$T/nohb.db" --data "$T/e" --system vr
import_fails "error: unknown monitor id" "$T/e" 'no monitor with id 99 (expected one of: 1 "官网首页", 2 "接口")' "$K1" --data "$T/e" --system vr --monitor 99
import_fails "error: unknown monitor name" "$T/e" 'no monitor named "nosuch"' "$K1" --data "$T/e" --system vr --monitor nosuch
import_fails "error: several monitors and no --monitor" "$T/e" "several monitors" "$K1" --data "$T/e" --system vr
import_fails "error: unknown system" "$T/e" 'no system "nosuch" in the contract (expected one of: vr, web)' "$K1" --data "$T/e" --system nosuch --monitor 1
cp "$K1" "$T/badstatus.db"
sqlite3 "$T/badstatus.db" "UPDATE heartbeat SET status = 7 WHERE id = 100;"
import_fails "error: a status Kuma never writes" "$T/e" "heartbeat id 100 at 2026-06-30 17:39:00: status 7 (expected 0 down, 1 up, 2 pending or 3 maintenance)" "$T/badstatus.db" --data "$T/e" --system vr --monitor 1
head -c 5000 "$PROM/chunk-1.json" >"$T/truncated.json"
import_fails "error: truncated JSON" "$T/e" "truncated.json:1: error: the JSON ends early" "$T/truncated.json" --data "$T/e" --system vr --match instance=https://example.gov.cn/
mkdir -p "$T/promcut"
cp "$PROM"/chunk-*.json "$T/promcut/"
head -c 5000 "$PROM/chunk-3.json" >"$T/promcut/chunk-3.json"
import_fails "error: one truncated chunk fails the whole import" "$T/e" "chunk-3.json:1: error: the JSON ends early" "$T/promcut" --data "$T/e" --system vr --match instance=https://example.gov.cn/
import_fails "error: two series and no --match" "$T/e" "2 series match" "$PROM/chunk-0.json" --data "$T/e" --system vr
printf '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"probe_success"},"value":[1782835200,"1"]}]}}\n' >"$T/vector.json"
import_fails "error: an instant query's vector" "$T/e" 'resultType "vector" (expected "matrix"' "$T/vector.json" --data "$T/e" --system vr
printf '{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries"}\n' >"$T/perr.json"
import_fails "error: a Prometheus error response" "$T/e" 'status "error", errorType bad_data: exceeded maximum resolution' "$T/perr.json" --data "$T/e" --system vr
mkdir -p "$T/promconflict"
cp "$PROM/chunk-0.json" "$PROM/chunk-1.json" "$T/promconflict/"
# chunk-1 starts at point 10940, inside chunk-0's last 60: make one disagree.
sed -i "s/\[$((JULY + 10950 * 60)).781,\"1\"\]/[$((JULY + 10950 * 60)).781,\"0\"]/" "$T/promconflict/chunk-1.json"
import_fails "error: overlapping chunks that disagree" "$T/e" 'is "0" in one chunk and "1" in another' "$T/promconflict" --data "$T/e" --system vr --match instance=https://example.gov.cn/
newdata x
# A valid file of that name (another system, no samples): check passes.
printf '<?xml version="1.0" encoding="UTF-8"?>\n<probes system="web"/>\n' >"$T/x/probes-vr-2026-07.xml"
import_fails "error: an existing output file is never overwritten" "$T/x" "probes-vr-2026-07.xml: error: exists already" "$K1" --data "$T/x" --system vr --monitor 1
"$BIN" import probes "$K1" --data "$T/e" --system vr --monitor 1 --from 2026-07-10 --to 2026-07-01 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "is after --to" "$T/err"; then pass "error: --from after --to is a usage error"; else fail "error: --from after --to is a usage error" "exit $rc: $(cat "$T/err")"; fi
"$BIN" import probes "$K1" --data "$T/e" --system vr --monitor 1 --from 2020-01-01 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "reach outside 2025-06-08" "$T/err"; then pass "error: --from far before the term"; else fail "error: --from far before the term" "exit $rc: $(cat "$T/err")"; fi
expect "error paths left no file behind" test "$(ls -A "$T/e")" = contract.xml

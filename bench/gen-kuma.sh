#!/bin/sh
# Writes an Uptime Kuma 1.x database (tests/data/import-probes/kuma1-schema.sql)
# holding DAYS days of one-minute heartbeats of monitor 1 from START
# (YYYY-MM-DD, Beijing midnight): every 997th minute down, every 4999th
# pending, one hour of maintenance each 30 days; ping 200-299 ms.
#   sh bench/gen-kuma.sh OUT.db START DAYS
set -eu
out=$1; start=$2; days=$3
rm -f "$out"
sqlite3 "$out" <tests/data/import-probes/kuma1-schema.sql
t0=$(date -u -d "$start 00:00:00 +0800" +%s)
n=$((days * 1440 - 1))
sqlite3 "$out" <<SQL
INSERT INTO monitor (id, name, interval, url, type) VALUES (1, 'bench', 60, 'https://example.gov.cn/', 'http');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO heartbeat (monitor_id, status, msg, time, ping, important, duration)
SELECT 1,
  CASE WHEN i % 43200 < 60 AND i >= 43200 THEN 3 WHEN i % 997 = 0 THEN 0 WHEN i % 4999 = 0 THEN 2 ELSE 1 END,
  '', strftime('%Y-%m-%d %H:%M:%S', $t0 + i * 60, 'unixepoch'),
  CASE WHEN i % 997 = 0 THEN NULL ELSE 200 + i % 100 END, 0, 60
FROM n;
SQL

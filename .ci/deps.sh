#!/bin/sh
# Installs (as root) or names the Debian packages opsreport needs to build,
# test and render its samples.  Used by the Makefile and by .ci/run.
# Every tool a test runs is here (poppler-utils: pdftotext, pdfinfo,
# pdffonts, pdfimages, pdftoppm; qpdf; libxml2-utils: xmllint; time:
# /usr/bin/time for make bench; python3: bookmark trees from qpdf --json),
# so under CI=true a check that would need a missing tool fails.
set -eu
PKGS="build-essential pkg-config libhpdf-dev libxml2-dev libxml2-utils libcmocka-dev
libharfbuzz-dev poppler-utils qpdf fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
fonts-hanazono fonts-liberation2 time python3 libsqlite3-dev libjson-c-dev sqlite3 libcsv-dev libzip-dev python3-openpyxl"
missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "opsreport: installing Debian packages:$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
else
    echo "opsreport: missing Debian packages; as root run:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

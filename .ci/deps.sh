#!/bin/sh
# Installs (as root) or names the Debian packages opsreport needs to build,
# test and render its samples.  Used by the Makefile and by .ci/run.
# Every tool a test runs is here (poppler-utils: pdftotext, pdfinfo,
# pdffonts, pdfimages, pdftoppm; qpdf; libxml2-utils: xmllint; time:
# /usr/bin/time for make bench; python3: bookmark trees from qpdf --json),
# so under CI=true a check that would need a missing tool fails.
# gettext builds the message catalogs (msgfmt); locales provides the
# zh_CN.UTF-8 locale the Chinese messages need (generated below: a fresh
# Debian has only C.UTF-8); man-db reads the manual (man -l).
# libpng-dev and libjpeg62-turbo-dev: src/image.c decodes PNG and JPEG
# itself (libharu's loaders abort the process on a damaged PNG).
set -eu
PKGS="build-essential pkg-config libhpdf-dev libxml2-dev libxml2-utils libcmocka-dev
libharfbuzz-dev poppler-utils qpdf fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
fonts-hanazono fonts-liberation2 time python3 libsqlite3-dev libjson-c-dev sqlite3 libcsv-dev libzip-dev python3-openpyxl
libpng-dev libjpeg62-turbo-dev
gettext locales man-db"
missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
# zh_CN.UTF-8: generated once, as root, when the locales package is there.
zh_locale() {
    locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$' && return 0
    [ "$(id -u)" -eq 0 ] || { echo "opsreport: the zh_CN.UTF-8 locale is missing; as root run:" >&2
        echo "  sed -i 's/^# *zh_CN.UTF-8/zh_CN.UTF-8/' /etc/locale.gen && locale-gen" >&2; return 0; }
    [ -f /etc/locale.gen ] || return 0
    grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
    locale-gen >&2
}
if [ -z "$missing" ]; then zh_locale; exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
    echo "opsreport: installing Debian packages:$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
    zh_locale
else
    echo "opsreport: missing Debian packages; as root run:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi

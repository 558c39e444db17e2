#!/bin/sh
# Installs the Debian packages Testigo needs to build, test and benchmark.
# Idempotent and fast when everything is present: dpkg-query decides what is
# missing, and apt-get runs only for that.  Needs root (or sudo) only when
# something is missing.
#
# Usage: scripts/deps.sh [build|test|bench]   (each level includes the ones before)
set -eu

level=${1:-test}

build_pkgs="build-essential pkg-config python3 file
 libxapian-dev libarchive-dev libmagic-dev libpoppler-glib-dev libcairo2-dev poppler-data
 libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-osd libexif-dev
 libpng-dev zlib1g-dev libmicrohttpd-dev libjansson-dev libutf8proc-dev nettle-dev
 libexttextcat-dev libexttextcat-data libxml2-dev libgmime-3.0-dev catdoc
 wspanish wamerican wbritish"
test_pkgs="libcmocka-dev qpdf poppler-utils file curl chromium clang-format strace"
bench_pkgs="xapian-omega xapian-tools recoll wrk lighttpd hyperfine time tesseract-ocr valgrind"

pkgs=$build_pkgs
case $level in
build) ;;
test) pkgs="$pkgs $test_pkgs" ;;
bench) pkgs="$pkgs $test_pkgs $bench_pkgs" ;;
*) echo "deps.sh: unknown level '$level' (build, test or bench)" >&2; exit 2 ;;
esac

missing=
for p in $pkgs; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $p"
done
# The browser test's driver runs on Node.js; any node and npm on the PATH
# will do (a machine may have them from elsewhere, and Debian's npm
# package conflicts with such a nodejs), else Debian's.
if [ "$level" != build ]; then
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    sudo=
elif command -v sudo >/dev/null 2>&1; then
    sudo=sudo
else
    echo "deps.sh: need root to install:$missing" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing

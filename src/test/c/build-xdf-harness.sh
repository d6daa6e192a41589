#!/usr/bin/env bash
# Builds target/xdf-harness/xdf_dump against Debian's libxdf (libxdf-dev), for the XDF tests:
# an independent reader of the files we write. Needs a C++ compiler and libxdf-dev.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=target/xdf-harness
[ -x "$out/xdf_dump" ] && [ "$out/xdf_dump" -nt src/test/c/xdf_dump.cpp ] && exit 0
command -v c++ >/dev/null && [ -f /usr/include/xdf.h ] || { echo "xdf harness: c++ or libxdf-dev missing"; exit 1; }
mkdir -p "$out"
c++ -O2 -std=c++17 -o "$out/xdf_dump" src/test/c/xdf_dump.cpp -lxdf
echo "xdf harness: built $out/xdf_dump against libxdf $(dpkg-query -W -f='${Version}' libxdf-dev 2>/dev/null || echo '?')"

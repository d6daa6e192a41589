#!/usr/bin/env bash
# Builds target/liblsl-harness/lsl_harness against a real liblsl, for the LSL interop tests.
# liblsl comes prebuilt inside the npm package lsl.js (registry: npm); needs npm and a C compiler.
# Exits 0 without building when either is missing: the interop tests are then skipped.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=target/liblsl-harness
[ -x "$out/lsl_harness" ] && exit 0
command -v npm >/dev/null && command -v cc >/dev/null || { echo "liblsl harness: npm or cc missing, skipped"; exit 0; }
mkdir -p "$out"
( cd "$out" && npm pack --silent lsl.js@1.1.2 >/dev/null && tar xzf lsl.js-1.1.2.tgz package/prebuilt/liblsl64.so \
  && mv package/prebuilt/liblsl64.so . && rm -rf package lsl.js-1.1.2.tgz ) || { echo "liblsl harness: could not fetch lsl.js"; exit 0; }
cc -O2 -o "$out/lsl_harness" src/test/c/lsl_harness.c -L"$out" -l:liblsl64.so -Wl,-rpath,'$ORIGIN'
echo "liblsl harness: built $out/lsl_harness against liblsl 1.12 (prebuilt in the npm package lsl.js 1.1.2)"

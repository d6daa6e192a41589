#!/usr/bin/env bash
# A real liblsl outlet (8 ch float32, 256 Hz) through `bin/eeg relay --source lsl` to Redis for
# 60 s, then the outlet restarts and streams 15 s more; checks that every sample arrived exactly,
# in order. Needs the harness (bash src/test/c/build-liblsl-harness.sh), a Redis and /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/../../.."
H=target/liblsl-harness/lsl_harness
U=lsl60-$RANDOM
OUT=$(mktemp -d)
timeout 110 bin/eeg subscribe "$U" raw --json > "$OUT/raw.jsonl" 2>/dev/null &
SUB=$!
"$H" outlet float32 lsl60 60 0 > "$OUT/outlet1.log" 2>&1 &
FIRST=$!
sleep 1
timeout 100 bin/eeg relay --user "$U" --source lsl --lsl-source-id lsl60 --duration 85 > "$OUT/relay.log" 2>&1 &
RELAY=$!
wait $FIRST
sleep 3
"$H" outlet float32 lsl60 15 15360 > "$OUT/outlet2.log" 2>&1
wait $RELAY
sleep 1
kill $SUB 2>/dev/null || true
/usr/bin/python3 - "$OUT/raw.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
names = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4']
n = 60 * 256 + 15 * 256
exact = len(rows) == n and all(r['channels'][ch] == c * 1000 + (i % 1000)
                               for i, r in enumerate(rows) for c, ch in enumerate(names))
ordered = all(b['timestamp'] > a['timestamp'] for a, b in zip(rows, rows[1:]))
print(f"messages {len(rows)} of {n}; every value exact: {exact}; timestamps increasing: {ordered}")
sys.exit(0 if exact and ordered else 1)
PY
grep -E "lost|found again|gap" "$OUT/relay.log"

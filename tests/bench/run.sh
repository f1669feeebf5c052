#!/bin/sh
# make bench: run every tests/bench/bench-*.sh. Each prints its own table
# and writes its figures as one JSON object to $BENCH_OUT/<name>.json; this
# script merges them into build/bench.json ({"<name>": {...}, ...}) and
# draws the report from it (tests/bench/report.py): build/bench/report/
# index.html with latency.svg, share.svg and thermal.svg.
# Benchmarks report ratios measured side by side in one run: these
# machines are shared and noisy, so absolute times are context, not targets.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
export BENCH_OUT="$top/build/bench"
rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT"

status=0
found=no
for b in tests/bench/bench-*.sh; do
	[ -x "$b" ] || continue
	found=yes
	name=$(basename "$b" .sh)
	name=${name#bench-}
	echo "=== bench $name"
	if ! "$b"; then
		echo "bench $name: FAILED" >&2
		status=1
	fi
done
if [ $found = no ]; then
	echo "bench: no benchmarks yet (tests/bench/bench-*.sh)"
	exit 0
fi

python3 - "$BENCH_OUT" "$top/build/bench.json" <<'PY'
import json, os, sys
out, dest = sys.argv[1], sys.argv[2]
merged = {}
for f in sorted(os.listdir(out)):
    if f.endswith(".json"):
        with open(os.path.join(out, f)) as fh:
            merged[f[:-5]] = json.load(fh)
with open(dest, "w") as fh:
    json.dump(merged, fh, indent=2, sort_keys=True)
    fh.write("\n")
print("bench: figures written to", dest)
PY
python3 tests/bench/report.py "$top/build/bench.json" "$BENCH_OUT/report" || status=1
exit $status

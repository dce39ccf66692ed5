#!/bin/sh
# Query-speed benchmark: bench/query.sh [ITEMS] (default 1,000,000).
# followup creates the database (schema from migrations/), bench/fill_db.py fills it, then
# `items --limit 50` and `items --search "death toll" --limit 50` are timed (best and median
# of 7 runs) and their query plans shown.
set -eu
cd "$(dirname "$0")/.."
items=${1:-1000000}
command -v sqlite3 >/dev/null 2>&1 || { echo "needs the sqlite3 CLI (apt-get install sqlite3)"; exit 1; }
# FOLLOWUP_BIN names a ready binary; otherwise a release build is made.
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --release --quiet
    FOLLOWUP_BIN="$PWD/target/release/followup"
fi
bin=$FOLLOWUP_BIN
dir=$(mktemp -d /tmp/followup-query-XXXXXX)
trap 'rm -rf "$dir"' EXIT
printf '[settings]\ndatabase = "q.db"\n' > "$dir/feeds.toml"
"$bin" --config "$dir/feeds.toml" items --limit 1 >/dev/null
echo "filling $dir/q.db with $items items"
python3 bench/fill_db.py --db "$dir/q.db" --items "$items"
ls -la "$dir/q.db" | awk '{printf "database: %.0f MB\n", $5 / 1048576}'
time_it() {
    label=$1; shift
    python3 - "$label" "$@" <<'PY'
import subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
runs = []
for _ in range(7):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    runs.append((time.perf_counter() - t) * 1000)
runs.sort()
print(f"{label:<44} best {runs[0]:7.1f} ms   median {runs[3]:7.1f} ms")
PY
}
time_it "followup check (process start, no query)" "$bin" --config "$dir/feeds.toml" check
time_it "items --limit 50" "$bin" --config "$dir/feeds.toml" items --limit 50
time_it "items --search \"death toll\" --limit 50" "$bin" --config "$dir/feeds.toml" items --search '"death toll"' --limit 50
time_it "items --search death toll --limit 50" "$bin" --config "$dir/feeds.toml" items --search 'death toll' --limit 50
cols="i.id, f.url, f.name, i.guid, i.url, i.title, i.summary, i.published, i.updated, i.first_seen"
echo
echo "EXPLAIN QUERY PLAN items --limit 50:"
sqlite3 "$dir/q.db" "EXPLAIN QUERY PLAN SELECT $cols FROM items i JOIN feeds f ON f.id = i.feed_id ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT 50"
echo
echo "EXPLAIN QUERY PLAN items --search \"death toll\" --limit 50:"
sqlite3 "$dir/q.db" "EXPLAIN QUERY PLAN SELECT $cols FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH '\"death toll\"') ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT 50"

#!/bin/sh
# Query-speed benchmark: bench/query.sh [ITEMS] [MATCHES] (default 1,000,000 and 50,000).
# followup creates the database (schema from migrations/), bench/fill_db.py fills it (items,
# five stories with their matches, articles, figures and a few verdicts), then the listing
# commands are timed as a person runs them (the real binary, process start included; best
# and median of 7 runs) and the plans of the queries behind them shown (bench/plans.py).
set -eu
cd "$(dirname "$0")/.."
items=${1:-1000000}
matches=${2:-50000}
# FOLLOWUP_BIN names a ready binary; otherwise a release build is made.
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --release --quiet
    FOLLOWUP_BIN="$PWD/target/release/followup"
fi
bin=$FOLLOWUP_BIN
dir=$(mktemp -d /tmp/followup-query-XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
cfg="$dir/feeds.toml"
printf '[settings]\ndatabase = "q.db"\n' > "$cfg"
# `prune` opens the database for writing, so it is created and migrated.
"$bin" --config "$cfg" prune --older-than 1d --dry-run >/dev/null
echo "filling $dir/q.db with $items items and $matches matches"
python3 bench/fill_db.py --db "$dir/q.db" --items "$items" --matches "$matches"
ls -la "$dir/q.db" | awk '{printf "database: %.0f MB\n", $5 / 1048576}'
# The stories fill_db.py made, so `--story` is accepted; the first is the oldest news.
python3 - "$dir/q.db" >> "$cfg" <<'PY'
import sqlite3, sys
for (sid,) in sqlite3.connect(sys.argv[1]).execute("SELECT story_id FROM baselines ORDER BY rowid"):
    print(f'\n[[story]]\nid = "{sid}"\ntitle = "{sid}"\nentities = ["{sid}"]')
PY
story=$(sed -n 's/^id = "\(.*\)"$/\1/p' "$cfg" | head -n 1)
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
print(f"{label:<50} best {runs[0]:7.1f} ms   median {runs[3]:7.1f} ms", flush=True)
PY
}
echo "story: $story"
time_it "followup check (process start, no query)" "$bin" --config "$cfg" check
time_it "matches --story S --limit 50" "$bin" --config "$cfg" matches --story "$story" --limit 50
time_it "matches --search \"death toll\"" "$bin" --config "$cfg" matches --search '"death toll"'
time_it "matches --story S --search \"death toll\"" "$bin" --config "$cfg" matches --story "$story" --search '"death toll"'
time_it "matches --search zeppelin (no hit: worst case)" "$bin" --config "$cfg" matches --search zeppelin
time_it "items --limit 50" "$bin" --config "$cfg" items --limit 50
time_it "items --search \"death toll\" --limit 50" "$bin" --config "$cfg" items --search '"death toll"' --limit 50
time_it "items --search death toll --limit 50" "$bin" --config "$cfg" items --search 'death toll' --limit 50
time_it "figures --story S" "$bin" --config "$cfg" figures --story "$story"
time_it "stories" "$bin" --config "$cfg" stories
time_it "digest --story S" "$bin" --config "$cfg" digest --story "$story"
echo
# The plans come from the SQLite that followup embeds (bench/plans.py says how).
sh bench/sqlite_lib.sh "$dir" && LD_LIBRARY_PATH="$dir/lib" python3 bench/plans.py "$dir/q.db" "$story" \
    || { echo "(plans from the system's SQLite instead)"; python3 bench/plans.py "$dir/q.db" "$story"; }

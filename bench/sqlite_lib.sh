#!/bin/sh
# bench/sqlite_lib.sh DIR: puts into DIR/lib a libsqlite3.so.0 built from the SQLite source
# that followup embeds (libsqlite3-sys's `bundled` copy, found through `cargo metadata`), with
# the same options, so Python's sqlite3 module run with LD_LIBRARY_PATH=DIR/lib plans queries
# exactly as followup does. The build is kept in target/bench-sqlite/ for the next run.
set -eu
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n "s/^host: //p")
src=$(cargo metadata --format-version 1 --offline --filter-platform "$host" 2>/dev/null | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "libsqlite3-sys":
        print(os.path.join(os.path.dirname(p["manifest_path"]), "sqlite3"))
        break
')
[ -f "$src/sqlite3.c" ] || { echo "no bundled SQLite source found"; exit 1; }
version=$(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"/\1/p' "$src/sqlite3.h")
out="target/bench-sqlite/$version"
if [ ! -f "$out/libsqlite3.so.0" ]; then
    echo "building SQLite $version for the plan print (once)"
    mkdir -p "$out"
    # The options libsqlite3-sys's build.rs passes that can change a plan.
    cc -O0 -shared -fPIC -o "$out/libsqlite3.so.0" "$src/sqlite3.c" \
        -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS5 \
        -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_STAT4 -DSQLITE_ENABLE_RTREE \
        -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_THREADSAFE=1 \
        -DSQLITE_USE_URI -lpthread -lm
fi
mkdir -p "$1/lib"
cp "$out/libsqlite3.so.0" "$1/lib/"

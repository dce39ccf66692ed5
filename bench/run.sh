#!/bin/sh
# The poll benchmark in one command: bench/run.sh [N] [--scale] [--only-followup] [--keep]
# Installs nginx, newsboat, GNU time and feedparser when missing (Debian/Ubuntu), builds
# followup in release mode, then runs bench/bench.py (see its --help).
set -eu
cd "$(dirname "$0")/.."
missing=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v newsboat >/dev/null 2>&1 || missing="$missing newsboat"
[ -x /usr/bin/time ] || missing="$missing time"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
if [ -n "$missing" ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q && $sudo apt-get install -y -q $missing
fi
python3 -c 'import feedparser' 2>/dev/null || python3 -m pip install -q feedparser \
    || python3 -m pip install -q --user --break-system-packages feedparser
cargo build --release --quiet
PATH="$PATH:/usr/sbin" exec python3 bench/bench.py --followup "$PWD/target/release/followup" "$@"

#!/usr/bin/env python3
"""The Python baseline: what a small script would do to poll feeds well. 16 threads,
conditional GET (ETag / Last-Modified kept in SQLite), feedparser, one SQLite transaction
per feed, items stored once per (feed, guid).
"""

import argparse
import sqlite3
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import feedparser

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL, guid TEXT NOT NULL, title TEXT, link TEXT, summary TEXT,
    published TEXT, UNIQUE (feed, guid));
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--urls", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--threads", type=int, default=16)
    args = ap.parse_args()
    db = sqlite3.connect(args.db, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    lock = threading.Lock()
    with open(args.urls) as f:
        urls = [u.strip() for u in f if u.strip()]
    with lock:
        validators = {u: (e, m) for u, e, m in db.execute("SELECT url, etag, last_modified FROM feeds")}

    def poll(url):
        req = urllib.request.Request(url, headers={"User-Agent": "bench-python/1"})
        etag, modified = validators.get(url, (None, None))
        if etag:
            req.add_header("If-None-Match", etag)
        if modified:
            req.add_header("If-Modified-Since", modified)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
                etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        except urllib.error.HTTPError as err:
            if err.code == 304:
                return 0
            raise
        parsed = feedparser.parse(body)
        rows = [
            (url, e.get("id") or e.get("link") or e.get("title", ""), e.get("title"),
             e.get("link"), e.get("summary"), e.get("published"))
            for e in parsed.entries
        ]
        with lock:
            with db:
                db.execute(
                    "INSERT INTO feeds (url, etag, last_modified) VALUES (?, ?, ?) "
                    "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                    "last_modified = excluded.last_modified",
                    (url, etag, modified),
                )
                db.executemany("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    with ThreadPoolExecutor(args.threads) as pool:
        stored = sum(pool.map(poll, urls))
    total = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    print(f"python: {len(urls)} feeds, {stored} items read, {total} stored")


if __name__ == "__main__":
    main()

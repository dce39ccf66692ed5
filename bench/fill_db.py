#!/usr/bin/env python3
"""Fills a followup database (already created by followup, so the schema comes from
migrations/) with invented feeds and items, for the query-speed benchmark.

Items go through the normal table, so the FTS triggers index them as a poll would.
About 0.5 % of the items speak of a "death toll"; the words "death" and "toll" also occur
apart, so the phrase query has to do real work.
"""

import argparse
import hashlib
import random
import sqlite3
from datetime import datetime, timedelta, timezone

WORDS = (
    "council officials review plans bridge heavy rain residents indoors crews roads district "
    "market prices traders inquiry police minister budget hospital strike port ferry school "
    "election court ruling stadium museum festival harvest drought flood exports factory union "
    "talks ceasefire border rescue divers storm power outage airport metro tram tax pension"
).split()
PLACES = ["Norvale", "Tessaly", "Brightmoor", "Wexmoor", "Ostrenna", "Pellridge", "Varnholt",
          "Quillon", "Maradova", "Esterbrook", "Lunet", "Ashgrove", "Kavasi", "Sundara"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--feed-url", default="http://127.0.0.1:9/feeds/{}.xml")
    args = ap.parse_args()
    rng = random.Random(11)
    con = sqlite3.connect(args.db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-200000")
    with con:
        con.executemany("INSERT OR IGNORE INTO feeds (url, name) VALUES (?, ?)",
                        [(args.feed_url.format(i), f"Bench feed {i}") for i in range(args.feeds)])
    feed_ids = [r[0] for r in con.execute("SELECT id FROM feeds ORDER BY id")]
    start = datetime(2031, 1, 1, tzinfo=timezone.utc)
    batch = []
    for n in range(args.items):
        place = rng.choice(PLACES)
        words = rng.choices(WORDS, k=55)
        if rng.random() < 0.02:
            words.insert(rng.randrange(len(words)), "death")
        if rng.random() < 0.02:
            words.insert(rng.randrange(len(words)), "toll")
        title = f"{place} {' '.join(rng.choices(WORDS, k=7))}"
        if rng.random() < 0.005:
            title = f"{place} death toll rises to {rng.randint(3, 400)}"
        summary = " ".join(words).capitalize() + "."
        when = start + timedelta(seconds=n * 30 + rng.randint(0, 600))
        published = None if rng.random() < 0.05 else when.strftime("%Y-%m-%dT%H:%M:%SZ")
        first_seen = (when + timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        feed = feed_ids[n % len(feed_ids)]
        guid = f"fill-{n}"
        digest = hashlib.sha256(f"{title}\x1f{summary}".encode()).hexdigest()
        batch.append((feed, guid, guid, f"http://127.0.0.1:9/a/{n}.html", title, summary,
                      published, published, first_seen, digest))
        if len(batch) == 20_000:
            insert(con, batch)
            batch = []
    insert(con, batch)
    # followup indexes new items itself (migration 0006), so the search index is built here.
    with con:
        con.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.commit()
    total = con.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    print(f"{total} items in {len(feed_ids)} feeds")


def insert(con, rows):
    with con:
        con.executemany(
            "INSERT INTO items (feed_id, identity, guid, url, title, summary, published, updated,"
            " first_seen, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints EXPLAIN QUERY PLAN for the queries behind the commands bench/query.sh times:
bench/plans.py DB STORY.

COPIES of the SQL that src/store/ runs (matches.rs, items.rs, digests.rs), for this print
only: keep them in step with the store when its queries change. Run with LD_LIBRARY_PATH
naming the SQLite that followup embeds (bench/sqlite_lib.sh), or the plans are those of the
system's SQLite, which may differ.
"""

import sqlite3
import sys

# Copy of the SELECT head and joins in src/store/matches.rs `Store::matches`.
MATCHES = """SELECT m.story_id, COALESCE(i.url, ''), i.title, f.url, f.name, i.published,
    i.first_seen, m.score, m.explanation, m.grp,
    (SELECT COUNT(DISTINCT i2.feed_id) FROM matches m2 JOIN items i2 ON i2.id = m2.item_id
      WHERE m2.story_id = m.story_id AND m2.grp = m.grp),
    COALESCE(v.verdict, 'auto'), i.id
 FROM matches m
 JOIN items i ON i.id = m.item_id
 JOIN feeds f ON f.id = i.feed_id
 LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
 WHERE COALESCE(v.verdict, '') != 'rejected'"""
# Copy of the `--search` clause there.
MATCHES_SEARCH = """ AND (m.item_id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :q)
    OR EXISTS (SELECT 1 FROM articles a WHERE a.url = i.url AND a.id IN
      (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)))"""
MATCHES_ORDER = " ORDER BY m.item_time DESC, m.item_id DESC LIMIT :limit"
# Copy of src/store/items.rs `ITEM_COLUMNS` and `Store::items`.
ITEMS = """SELECT i.id, f.url, f.name, i.guid, i.url, i.title, i.summary, i.published, i.updated,
    i.first_seen FROM items i JOIN feeds f ON f.id = i.feed_id"""
ITEMS_SEARCH = " WHERE i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :q)"
ITEMS_ORDER = " ORDER BY COALESCE(i.published, i.first_seen) DESC, i.id DESC LIMIT :limit"
# Copy of src/store/digests.rs `Store::matched_texts`.
MATCHED_TEXTS = """SELECT m.grp, i.first_seen, COALESCE(a.title, i.title),
    CASE WHEN COALESCE(a.text, '') = '' THEN i.summary ELSE a.text END
 FROM matches m JOIN items i ON i.id = m.item_id
 LEFT JOIN articles a ON a.url = i.url
 LEFT JOIN verdicts v ON v.story_id = m.story_id AND v.url = i.url
 WHERE m.story_id = :story AND COALESCE(v.verdict, '') != 'rejected'
 ORDER BY i.first_seen DESC, i.id DESC LIMIT :limit"""

QUERIES = [
    ("matches --story S --limit 50", MATCHES + " AND m.story_id = :story" + MATCHES_ORDER),
    ("matches --search \"death toll\"", MATCHES + MATCHES_SEARCH + MATCHES_ORDER),
    ("matches --story S --search \"death toll\"",
     MATCHES + " AND m.story_id = :story" + MATCHES_SEARCH + MATCHES_ORDER),
    ("items --limit 50", ITEMS + ITEMS_ORDER),
    ("items --search \"death toll\" --limit 50", ITEMS + ITEMS_SEARCH + ITEMS_ORDER),
    ("digest: matched texts of S", MATCHED_TEXTS),
]


def main():
    db, story = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    print(f"EXPLAIN QUERY PLAN (SQLite {sqlite3.sqlite_version})")
    args = {"story": story, "q": '"death toll"', "limit": 50}
    for label, sql in QUERIES:
        print(f"\n{label}:")
        rows = con.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
        depth = {0: 0}
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            print("  " * depth[node] + detail)


if __name__ == "__main__":
    main()

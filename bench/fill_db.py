#!/usr/bin/env python3
"""Fills a followup database (already created by followup, so the schema comes from
migrations/) with invented feeds, items, stories and their matches, for the query-speed
benchmark.

Everything goes through the normal tables, so the FTS triggers index items and articles as a
poll would. About 0.5 % of the items speak of a "death toll"; the words "death" and "toll"
also occur apart, so the phrase query has to do real work.

Stories: `--stories` invented ones (ids printed at the end), each followed over its own
stretch of time (the stretches overlap), with `--matches` matches spread over them. Every
matched item has a headline about its story (about a quarter report a death toll), a
fetched article (about 1.2 kB of text, near-duplicate sketch), and about one in eight
articles states casualty figures (observations). Reports of one event by several outlets
share a near-duplicate group; a few matches carry a person's verdict (rejected or confirmed).
"""

import argparse
import hashlib
import json
import random
import sqlite3
import struct
from datetime import datetime, timedelta, timezone

WORDS = (
    "council officials review plans bridge heavy rain residents indoors crews roads district "
    "market prices traders inquiry police minister budget hospital strike port ferry school "
    "election court ruling stadium museum festival harvest drought flood exports factory union "
    "talks ceasefire border rescue divers storm power outage airport metro tram tax pension"
).split()
PLACES = ["Norvale", "Tessaly", "Brightmoor", "Wexmoor", "Ostrenna", "Pellridge", "Varnholt",
          "Quillon", "Maradova", "Esterbrook", "Lunet", "Ashgrove", "Kavasi", "Sundara"]
# (id, place, event, the names a matcher would hit)
STORIES = [
    ("harbour-blast", "Pellridge", "harbour blast", ["Pellridge harbour", "Dock Seven"]),
    ("dam-collapse", "Varnholt", "dam collapse", ["Varnholt dam", "Kessel reservoir"]),
    ("ferry-sinking", "Quillon", "ferry sinking", ["MV Aurelia", "Quillon strait"]),
    ("mine-flood", "Maradova", "mine flood", ["Maradova mine", "shaft four"]),
    ("tower-fire", "Esterbrook", "tower fire", ["Esterbrook tower", "Linden estate"]),
    ("rail-crash", "Lunet", "rail crash", ["Lunet junction", "night express"]),
    ("quake", "Kavasi", "earthquake", ["Kavasi valley", "Orrin fault"]),
]
HEADLINES = [
    "{place} {event}: death toll rises to {n}",
    "{place} {event} death toll climbs as rescuers reach {name}",
    "Rescuers search {name} after {place} {event}",
    "Inquiry ordered into {place} {event}",
    "{place} {event}: families wait for news at {name}",
    "Officials name victims of {place} {event}",
    "{place} {event}: {n} still missing near {name}",
    "What we know about the {place} {event}",
]
KINDS = ["killed", "injured", "missing"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--stories", type=int, default=5)
    ap.add_argument("--matches", type=int, default=50_000)
    ap.add_argument("--feed-url", default="http://127.0.0.1:9/feeds/{}.xml")
    args = ap.parse_args()
    rng = random.Random(11)
    stories = STORIES[: max(0, min(args.stories, len(STORIES)))]
    con = sqlite3.connect(args.db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-200000")
    with con:
        con.executemany("INSERT OR IGNORE INTO feeds (url, name) VALUES (?, ?)",
                        [(args.feed_url.format(i), f"Bench feed {i}") for i in range(args.feeds)])
    feed_ids = [r[0] for r in con.execute("SELECT id FROM feeds ORDER BY id")]
    matched = pick_matches(rng, stories, args.items, args.matches)
    start = datetime(2031, 1, 1, tzinfo=timezone.utc)
    batch, followups = [], []
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
        if n in matched:
            story = stories[matched[n][0]]
            name = rng.choice(story[3])
            title = rng.choice(HEADLINES).format(place=story[1], event=story[2], name=name,
                                                 n=rng.randint(3, 400))
            summary = f"{name}: {summary}"
            followups.append(n)
        when = start + timedelta(seconds=n * 30 + rng.randint(0, 600))
        published = None if rng.random() < 0.05 else when.strftime("%Y-%m-%dT%H:%M:%SZ")
        first_seen = (when + timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        feed = feed_ids[n % len(feed_ids)]
        guid = f"fill-{n}"
        digest = hashlib.sha256(f"{title}\x1f{summary}".encode()).hexdigest()
        batch.append((feed, guid, guid, item_url(n), title, summary,
                      published, published, first_seen, digest))
        if len(batch) == 20_000:
            insert(con, batch)
            batch = []
    insert(con, batch)
    # followup indexes new items itself (migration 0006), so the search index is built here.
    with con:
        con.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    fill_stories(con, rng, stories, matched, followups)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.commit()
    total = con.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    print(f"{total} items in {len(feed_ids)} feeds")
    for (sid,) in con.execute("SELECT story_id FROM baselines ORDER BY rowid"):
        count = con.execute("SELECT COUNT(*) FROM matches WHERE story_id = ?", (sid,)).fetchone()
        print(f"story {sid}: {count[0]} matches")


def item_url(n):
    return f"http://127.0.0.1:9/a/{n}.html"


def pick_matches(rng, stories, items, matches):
    """Item index → the stories it is a follow-up of. Story k follows a stretch of 30 % of the
    timeline starting at k × 70 % / (stories - 1), so the first is old news, the last recent."""
    out = {}
    if not stories:
        return out
    span = int(items * 0.3)
    for k in range(len(stories)):
        begin = int(items * 0.7 * k / max(1, len(stories) - 1))
        want = min(matches // len(stories) + (k < matches % len(stories)), span)
        for n in rng.sample(range(begin, min(items, begin + span)), want):
            out.setdefault(n, []).append(k)
    return out


def fill_stories(con, rng, stories, matched, followups):
    at = "2031-12-31T00:00:00Z"
    with con:
        for sid, place, event, names in stories:
            text = " ".join(f"The {place} {event} happened near {rng.choice(names)}. "
                            f"{' '.join(rng.choices(WORDS, k=20)).capitalize()}."
                            for _ in range(20))
            con.execute("INSERT INTO baselines (story_id, source, title, text, published,"
                        " fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (sid, f"http://127.0.0.1:9/base/{sid}.html", f"{place} {event}", text,
                         "2031-01-01T00:00:00Z", at))
    feed_ids = [r[0] for r in con.execute("SELECT id FROM feeds ORDER BY id")]
    find = "SELECT id FROM items WHERE feed_id = ? AND identity = ?"
    ids = {n: con.execute(find, (feed_ids[n % len(feed_ids)], f"fill-{n}")).fetchone()[0]
           for n in followups}
    articles, matches, observations, verdicts = [], [], [], []
    group = {}  # story index → (group id, members left)
    for n in followups:
        item_id = ids[n]
        story = stories[matched[n][0]]
        name = rng.choice(story[3])
        toll = rng.randint(3, 400)
        text = " ".join(
            f"{' '.join(rng.choices(WORDS, k=12)).capitalize()} near {name}."
            for _ in range(14))
        if rng.random() < 0.3:
            text = f"The death toll from the {story[2]} rose to {toll}, officials said. {text}"
        digest = hashlib.sha256(text.encode()).hexdigest()
        shingles = b"".join(struct.pack("<Q", rng.getrandbits(64)) for _ in range(16))
        articles.append((item_url(n), f"{story[1]} {story[2]} near {name}", text, digest,
                         shingles, at, at))
        if rng.random() < 0.125:
            for kind in rng.sample(KINDS, rng.randint(1, 2)):
                observations.append((story[0], item_url(n), f"{story[1]} {story[2]}", digest,
                                     kind, toll if kind == "killed" else rng.randint(1, 900),
                                     rng.choice(["exact", "at_least", "about"]), kind,
                                     f"Officials said {toll} people were {kind}.", at, at))
        for k in matched[n]:
            sid, _, _, names = stories[k]
            grp, left = group.get(k, (item_id, 0))
            if left <= 0:
                grp, left = item_id, rng.choice([1, 1, 1, 2, 3, 5])
            group[k] = (grp, left - 1)
            hits = [{"name": nm, "entity": nm, "field": "title", "weight": round(0.5 + rng.random() / 2, 3)}
                    for nm in rng.sample(names, rng.randint(1, len(names)))]
            judgement = {"score": round(1 + rng.random(), 3), "followup": True, "candidate": True,
                         "entity_score": 1.0, "topical": round(rng.random(), 3),
                         "excluded": None, "hits": hits}
            matches.append((sid, item_id, judgement["score"], json.dumps(judgement), grp, at))
            roll = rng.random()
            if roll < 0.002:
                verdicts.append((sid, item_url(n), "rejected", at))
            elif roll < 0.003:
                verdicts.append((sid, item_url(n), "confirmed", at))
    with con:
        con.executemany("INSERT INTO articles (url, title, text, hash, shingles, fetched_at,"
                        " checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)", articles)
        con.executemany("INSERT INTO matches (story_id, item_id, score, explanation, grp,"
                        " matched_at) VALUES (?, ?, ?, ?, ?, ?)", matches)
        con.executemany("INSERT OR IGNORE INTO observations (story_id, url, title, version, kind,"
                        " value, qualifier, term, sentence, declared_at, observed_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", observations)
        con.executemany("INSERT INTO verdicts (story_id, url, verdict, decided_at)"
                        " VALUES (?, ?, ?, ?)", verdicts)


def insert(con, rows):
    with con:
        con.executemany(
            "INSERT INTO items (feed_id, identity, guid, url, title, summary, published, updated,"
            " first_seen, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


if __name__ == "__main__":
    main()

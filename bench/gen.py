#!/usr/bin/env python3
"""Writes the benchmark's world: N RSS feeds x 20 items, article pages, a baseline page,
and the configs for followup, newsboat, the Python reader and nginx.

Every name and sentence here is invented. About 1 % of the items are follow-ups of one
story (a ferry disaster that never happened); their links point at article pages that the
server also serves. The other items' links point at pages the server does not have (404),
as expired or paywalled links do. Output is deterministic for a given N and seed.

--generic writes the harder world: the other items are ordinary news told in everyday news
words that overlap the baseline's vocabulary ("officials said on Tuesday", "police
investigation", "people were injured", "an inquiry"), so only evidence specific to the
story, not common vocabulary, should make followup ask for an article.

--lookalike writes the hardest: the other items report other boat and ferry accidents in
other places, in the baseline's own words ("capsized", "death toll", "divers", "coast
guard", "passengers missing") but never its names, so stage 1's weights would ask for
thousands of articles and only its fetch budget keeps the requests near the follow-ups.
"""

import argparse
import os
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

ITEMS_PER_FEED = 20
FOLLOWUP_SHARE = 0.01

PLACES = [
    "Norvale", "Tessaly", "Brightmoor", "Calderon Heights", "Wexmoor", "Ostrenna",
    "Pellridge", "Saint Ameline", "Varnholt", "Quillon", "Drummerford", "Halcyon Flats",
    "Maradova", "Esterbrook", "Lunet", "Corriveau", "Ashgrove", "Ternmouth", "Kavasi",
    "Obrenstadt", "Rellis Point", "Glenhallow", "Sundara", "Vyrnwy Vale",
]
PEOPLE = [
    "Minister Ilse Varga", "Governor Tomas Brenner", "Mayor Odile Fenwick",
    "Senator Rafael Quint", "Chancellor Mirela Dost", "Judge Anselm Kirow",
    "Commissioner Leta Marsh", "President Orrin Vale", "Dr Hanne Solberg",
    "Coach Emeka Darrow", "Chief Executive Priya Lomond", "Professor Yusuf Albani",
]
ORGS = [
    "the Northern Grain Cooperative", "Halvers Rail", "the Tessaly Assembly",
    "the Coastal Power Authority", "Meridian Bank", "the Federation of Dock Workers",
    "Orbis Telecom", "the Pellridge Metro Council", "Lantern Pharmaceuticals",
    "the National Weather Office", "the Varnholt Football Club", "Ardent Motors",
]
TOPICS = [
    ("budget", ["spending plan", "tax credit", "deficit target", "pension reform"]),
    ("weather", ["heatwave", "storm front", "early frost", "record rainfall"]),
    ("transport", ["rail strike", "bridge repair", "new tram line", "airport expansion"]),
    ("business", ["quarterly results", "merger talks", "factory opening", "share buyback"]),
    ("sport", ["cup final", "transfer deal", "season opener", "stadium vote"]),
    ("health", ["vaccine rollout", "hospital funding", "nurse shortage", "clinic closures"]),
    ("science", ["telescope survey", "fusion test", "seed vault", "deep-sea probe"]),
    ("culture", ["film festival", "museum reopening", "book prize", "orchestra tour"]),
]
VERBS = [
    "unveils", "delays", "defends", "questions", "backs", "rejects", "reviews",
    "expands", "scraps", "announces", "warns over", "celebrates",
]
FILLER = [
    "Officials said further details would follow later in the week.",
    "Critics argued the decision had been rushed and lacked consultation.",
    "Supporters welcomed the move as overdue and practical.",
    "Analysts expect the change to take effect before the end of the year.",
    "Residents gathered outside the town hall to hear the announcement.",
    "The measure passed by a narrow margin after a long debate.",
    "Several groups have asked for an independent review of the figures.",
    "Local businesses said they were still studying the proposal.",
    "A spokesperson declined to comment on the timing of the decision.",
    "Earlier estimates had been revised twice since the spring.",
    "Opposition members called for a public inquiry into the matter.",
    "The plan includes a phased rollout across three regions.",
    "Observers noted that turnout at the meeting was unusually high.",
    "Funding for the second stage has not yet been confirmed.",
    "Unions said they would consult their members before responding.",
    "The agency published a short statement on its website on Monday.",
]

# The story every follow-up belongs to: invented names, invented numbers.
STORY = {
    "id": "kestrel-ferry",
    "title": "Kestrel Bay ferry disaster",
    "ship": "MV Alder Star",
    "place": "Kestrel Bay",
    "port": "Port Ressing",
    "agency": "Lantova Coast Guard",
    "country": "Lantova",
}


def rfc2822(t):
    return format_datetime(t, usegmt=True)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ordinary_item(rng, feed, n, when):
    topic, things = rng.choice(TOPICS)
    thing = rng.choice(things)
    place = rng.choice(PLACES)
    who = rng.choice(PEOPLE + ORGS)
    verb = rng.choice(VERBS)
    number = rng.randint(2, 950)
    title = f"{who[0].upper() + who[1:]} {verb} {place} {thing} ({feed}-{n})"
    sentences = [
        f"{who[0].upper() + who[1:]} {verb} the {thing} in {place}, a move that affects "
        f"about {number} thousand people across the district.",
        f"The {topic} plan was first discussed in {rng.choice(PLACES)} and drew responses "
        f"from {rng.choice(ORGS)} and {rng.choice(PEOPLE)}.",
    ]
    while sum(len(s) + 1 for s in sentences) < 700:
        sentences.append(rng.choice(FILLER))
    summary = " ".join(sentences)
    if rng.random() < 0.3:
        # Some feeds carry markup in their descriptions.
        summary = f"<p>{escape(sentences[0])}</p><p>{escape(' '.join(sentences[1:]))}</p>"
    link = f"http://HOST/articles/other/{feed}/{n}.html"
    return title, summary, link, when


# Everyday news sentences: the vocabulary of any report, the baseline's included.
GENERIC = [
    "Officials said on {day} that the investigation was continuing.",
    "Police said {n} people were questioned and two were injured in a separate incident.",
    "A court ruling on the case is expected next week, lawyers said.",
    "The prime minister ordered an inquiry into the safety record of the {thing}.",
    "Markets fell after the agency said the figures would be revised.",
    "Rescue services were called to the {thing} in {place} early on {day}.",
    "Residents were taken to hospital as a precaution, officials said.",
    "The election campaign was suspended for a day of mourning.",
    "Passengers and crew were told to wait for further instructions.",
    "Investigators examined the scene and spoke to witnesses on {day}.",
]
GENERIC_TITLES = [
    "Police open investigation into {thing} in {place}",
    "Officials in {place} say {thing} inquiry will report soon",
    "{place} court ruling on {thing} delayed",
    "Hospital in {place} reviews safety after {thing}",
    "Election officials in {place} defend {thing}",
    "Market in {place} reopens after {thing}",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def generic_item(rng, feed, n, when):
    _, things = rng.choice(TOPICS)
    thing, place = rng.choice(things), rng.choice(PLACES)
    fill = {"thing": thing, "place": place, "day": rng.choice(DAYS), "n": rng.randint(2, 40)}
    title = rng.choice(GENERIC_TITLES).format(**fill) + f" ({feed}-{n})"
    sentences = [s.format(**fill) for s in rng.sample(GENERIC, 5)]
    summary = " ".join(sentences)
    link = f"http://HOST/articles/other/{feed}/{n}.html"
    return title, summary, link, when


VESSELS = ["ferry", "passenger boat", "river ferry", "tour boat", "cargo ship", "fishing boat"]
LOOKALIKE_TITLES = [
    "{vessel} capsizes off {place}, {n} feared dead",
    "Death toll in {place} {vessel} sinking rises to {n}",
    "Divers search for missing passengers after {place} {vessel} accident",
    "Coast guard questions crew after {vessel} overturns near {place}",
    "Families wait for news after {vessel} sinks in {place}",
]
LOOKALIKE = [
    "At least {n} people were killed when a {vessel} capsized near {place} on {day}, the coast guard said.",
    "Divers recovered more bodies from the wreck as the death toll rose to {n}.",
    "Dozens of passengers were injured and several are still missing, officials said.",
    "The {vessel} was carrying more than {m} passengers and crew when it overturned in heavy seas.",
    "Rescue boats and fishing vessels pulled survivors from the water before dawn.",
    "Investigators questioned the captain and examined the hull for a second day.",
    "The injured were taken to hospital, and relatives gathered at the harbour.",
    "The prime minister declared a day of mourning and ordered an inquiry into the safety record.",
]


def lookalike_item(rng, feed, n, when):
    fill = {"vessel": rng.choice(VESSELS), "place": rng.choice(PLACES), "day": rng.choice(DAYS),
            "n": rng.randint(2, 60), "m": rng.randint(40, 400)}
    title = rng.choice(LOOKALIKE_TITLES).format(**fill)
    title = title[0].upper() + title[1:] + f" ({feed}-{n})"
    summary = " ".join(s.format(**fill) for s in rng.sample(LOOKALIKE, 5))
    link = f"http://HOST/articles/other/{feed}/{n}.html"
    return title, summary, link, when


def followup_item(rng, k, when):
    s = STORY
    killed = 14 + k // 3
    injured = 31 + k // 2
    missing = max(0, 6 - k // 5)
    title = rng.choice([
        f"{s['place']} ferry toll rises to {killed} as divers search {s['ship']}",
        f"Families wait at {s['port']} after {s['place']} ferry sinking",
        f"{s['agency']} widens search for missing {s['ship']} passengers",
        f"Investigators question crew of {s['ship']} after {s['place']} disaster",
    ])
    summary = (
        f"The death toll from the sinking of the {s['ship']} in {s['place']} has risen to "
        f"{killed}, the {s['agency']} said on {when.strftime('%A')}. At least {injured} people "
        f"were injured and {missing} remain missing after the ferry capsized near {s['port']}. "
        f"Relatives gathered at the harbour as divers returned to the wreck. "
        + " ".join(rng.sample(FILLER, 4))
    )
    return title, summary, killed, injured, missing


def article_page(title, when, paragraphs):
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | The Lantova Herald</title>
<meta property="og:title" content="{escape(title)}">
<meta property="article:published_time" content="{iso(when)}">
<meta name="description" content="{escape(paragraphs[0][:150])}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">By Staff Reporter · <time datetime="{iso(when)}">{when.strftime('%d %B %Y %H:%M')}</time></p>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Markets close higher</a></li><li><a href="/b">Rain expected</a></li></ul></aside>
</main><footer><p>© The Lantova Herald</p></footer></body></html>
"""


def followup_paragraphs(rng, killed, injured, missing, when):
    s = STORY
    return [
        f"The number of people killed when the {s['ship']} capsized in {s['place']} has "
        f"risen to {killed}, the {s['agency']} said, as divers recovered more bodies from "
        f"the wreck.",
        f"At least {injured} people were injured and {missing} passengers are still missing, "
        f"officials in {s['port']} said on {when.strftime('%A')}.",
        f"The ferry was carrying more than 200 passengers between {s['port']} and the "
        f"islands when it overturned in heavy seas, according to the operator.",
        f"Investigators from {s['country']}'s transport ministry boarded the salvage vessel "
        f"to examine the hull, and the captain was questioned for a second day.",
        " ".join(rng.sample(FILLER, 4)),
        " ".join(rng.sample(FILLER, 4)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seed", type=int, default=9)
    kind = ap.add_mutually_exclusive_group()
    kind.add_argument("--generic", action="store_true",
                      help="ordinary items in everyday news words that overlap the baseline's")
    kind.add_argument("--lookalike", action="store_true",
                      help="other boat accidents told in the baseline's words, without its names")
    args = ap.parse_args()
    other_item = (generic_item if args.generic
                  else lookalike_item if args.lookalike else ordinary_item)
    rng = random.Random(args.seed)
    host = f"127.0.0.1:{args.port}"
    out = args.out
    for sub in ("www/feeds", "www/articles/story", "followup", "newsboat", "python", "nginx"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    s = STORY
    base_time = datetime(2031, 5, 12, 6, 30, tzinfo=timezone.utc)
    baseline = article_page(
        f"{s['ship']} ferry capsizes in {s['place']}, killing 14",
        base_time,
        [
            f"At least 14 people were killed and 31 injured when the passenger ferry "
            f"{s['ship']} capsized in {s['place']} early on Monday, the {s['agency']} said.",
            f"Six people are missing. The ferry had left {s['port']} shortly before dawn "
            f"with more than 200 passengers and crew on board.",
            f"Rescue boats from {s['port']} and fishing vessels from nearby villages pulled "
            f"survivors from the water, and the injured were taken to hospital in "
            f"{s['port']}.",
            f"{s['country']}'s prime minister declared a day of mourning and ordered an "
            f"inquiry into the ferry's safety record.",
        ],
    )
    with open(os.path.join(out, "followup", "baseline.html"), "w") as f:
        f.write(baseline)

    total_items = args.feeds * ITEMS_PER_FEED
    n_followups = max(1, round(total_items * FOLLOWUP_SHARE))
    followup_slots = set(rng.sample(range(total_items), n_followups))
    k = 0
    urls = []
    for feed in range(args.feeds):
        items = []
        for n in range(ITEMS_PER_FEED):
            when = base_time + timedelta(hours=2 + feed % 72, minutes=-n * 37)
            slot = feed * ITEMS_PER_FEED + n
            if slot in followup_slots:
                title, summary, killed, injured, missing = followup_item(rng, k, when)
                link = f"http://{host}/articles/story/{k}.html"
                page = article_page(title, when, followup_paragraphs(rng, killed, injured, missing, when))
                with open(os.path.join(out, "www/articles/story", f"{k}.html"), "w") as f:
                    f.write(page)
                k += 1
            else:
                title, summary, link, _ = other_item(rng, feed, n, when)
                link = link.replace("HOST", host)
            items.append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f"<guid isPermaLink=\"false\">bench-{feed}-{n}</guid>"
                f"<pubDate>{rfc2822(when)}</pubDate>"
                f"<description>{escape(summary)}</description></item>"
            )
        doc = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Bench feed {feed}</title><link>http://{host}/</link>"
            f"<description>Invented news, feed {feed}</description>"
            + "\n".join(items)
            + "</channel></rss>\n"
        )
        with open(os.path.join(out, "www/feeds", f"{feed}.xml"), "w") as f:
            f.write(doc)
        urls.append(f"http://{host}/feeds/{feed}.xml")

    with open(os.path.join(out, "urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")

    with open(os.path.join(out, "followup", "feeds.toml"), "w") as f:
        f.write('[settings]\ndatabase = "followup.db"\nper_host = 16\n'
                "allow_private_networks = true\n\n")
        f.write(f'[[story]]\nid = "{s["id"]}"\ntitle = "{s["title"]}"\n'
                f'baseline_file = "baseline.html"\n'
                f'entities = ["{s["ship"]}", "{s["place"]}", "{s["port"]}"]\n'
                f'since = "{iso(base_time - timedelta(hours=1))}"\n\n')
        for u in urls:
            f.write(f'[[feed]]\nurl = "{u}"\n')

    with open(os.path.join(out, "newsboat", "config"), "w") as f:
        f.write("reload-threads 16\nshow-read-feeds yes\n")

    prefix = os.path.join(out, "nginx")
    user = "user root root;\n" if os.geteuid() == 0 else ""
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(f"""{user}daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp;
    proxy_temp_path {prefix}/tmp;
    fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp;
    scgi_temp_path {prefix}/tmp;
    types {{ application/rss+xml xml; text/html html; }}
    default_type application/octet-stream;
    etag on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{args.port};
        root {os.path.join(out, "www")};
    }}
}}
""")
    print(f"{args.feeds} feeds, {total_items} items, {k} follow-ups with article pages")


if __name__ == "__main__":
    main()

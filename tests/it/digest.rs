//! `followup digest` and alerts on a store filled by the real pipeline: an invented river
//! flood whose figures change between two polls of three outlets' feeds, served locally.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::smtp_sink::SmtpSink;
use crate::util::{Run, TestEnv, ok, serve, toml_string};

const RSS: &str = "application/rss+xml";
const HTML: &str = "text/html; charset=utf-8";
/// A headline as a hostile feed might carry it (escaped once for XML, so the stored title is
/// literally this text).
const HOSTILE: &str = "<script>alert(1)</script> Castrano pumps arrive [x](javascript:alert(1))";

/// One article: route, outlet feed, headline, declared time, paragraphs.
struct Story {
    route: &'static str,
    feed: &'static str,
    title: &'static str,
    published: &'static str,
    paragraphs: &'static [&'static str],
}

const BASELINE: Story = Story {
    route: "/news/velmora-flood",
    feed: "",
    title: "Velmora river floods Castrano, at least 9 dead",
    published: "2031-05-09T08:00:00Z",
    paragraphs: &[
        "At least 9 people were killed and 30 people are missing after the Velmora river burst \
         its banks in Castrano on Thursday night, flooding the old town and the railway station.",
        "Mayor Tomas Reiter said the town hall would stay open as a shelter. Rescue boats from \
         the Dunmore fire service searched the flooded streets of Castrano through the night.",
        "Water levels on the Velmora were still rising on Friday morning, and the regional \
         weather office warned of more rain in the hills above Castrano.",
    ],
};

/// The wire report both the Courier and the Post carry on the first day.
const WIRE: &[&str] = &[
    "At least 14 people were killed and 22 people are missing after the Velmora river flooded \
     Castrano, the regional emergency chief Ilse Brandauer said on Friday.",
    "Brandauer said rescue boats had reached the railway station, where families had sheltered \
     on the upper floor. Mayor Tomas Reiter thanked the volunteers who filled sandbags in \
     Castrano through the night.",
    "The Velmora was expected to crest near Castrano late on Friday, the regional weather \
     office said, before falling slowly over the weekend.",
];

const FIRST_DAY: &[Story] = &[
    Story {
        route: "/courier/toll-14",
        feed: "courier",
        title: "Castrano flood: death toll rises to 14",
        published: "2031-05-09T14:00:00Z",
        paragraphs: WIRE,
    },
    Story {
        route: "/post/toll-14",
        feed: "post",
        title: "Velmora flood toll climbs to 14 in Castrano",
        published: "2031-05-09T15:00:00Z",
        paragraphs: WIRE,
    },
    Story {
        route: "/ledger/pumps",
        feed: "ledger",
        title: HOSTILE,
        published: "2031-05-09T18:00:00Z",
        paragraphs: &[
            "Pumps from Lindqvist Engineering arrived in Castrano on Friday evening as the \
             Velmora began to fall, the emergency chief Ilse Brandauer said.",
            "Lindqvist Engineering crews will work through the weekend to drain the flooded old \
             town of Castrano, the company said in a statement.",
            "Residents queued at the Castrano town hall for clean water and blankets while the \
             river kept falling.",
        ],
    },
];

const SECOND_DAY: &[Story] = &[
    Story {
        route: "/courier/toll-21",
        feed: "courier",
        title: "Castrano flood toll reaches 21 as the Velmora recedes",
        published: "2031-05-10T09:00:00Z",
        paragraphs: &[
            "At least 21 people have died and 12 people are still missing in the Castrano \
             flood, the regional emergency chief Ilse Brandauer said on Saturday.",
            "Divers searched the flooded underpass near the railway station in Castrano, \
             Brandauer said, as the Velmora fell back towards its banks.",
            "Schools in Castrano will stay shut until the middle of next week.",
        ],
    },
    Story {
        route: "/post/pumps-drain",
        feed: "post",
        title: "Lindqvist Engineering pumps drain Castrano streets",
        published: "2031-05-10T08:00:00Z",
        paragraphs: &[
            "Pumps from Lindqvist Engineering drained the main square of Castrano on Saturday \
             as the Velmora kept falling, the company said.",
            "19 people were killed in the Velmora flood, the emergency chief Ilse Brandauer told \
             reporters in Castrano on Saturday morning.",
            "Shopkeepers in the old town began to clear mud from their floors.",
        ],
    },
];

/// Items every feed carries that have nothing to do with the flood.
const UNRELATED: (&str, &str) = ("/other/grain", "Grain prices steady at the harbour market");

/// An article page as outlets publish them: header, article with headline and time, footer.
fn page(s: &Story) -> String {
    let body: String = s
        .paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", xml_escape(p)))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <meta property=\"article:published_time\" content=\"{p}\"></head>\
         <body><header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav></header>\
         <main><article><h1>{t}</h1><time datetime=\"{p}\">{p}</time>\n{body}</article></main>\
         <footer>All rights reserved.</footer></body></html>",
        t = xml_escape(s.title),
        p = s.published,
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An RSS document of `stories` (with links under `base`) plus the unrelated item.
fn rss(base: &str, feed: &str, stories: &[&Story]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Outlet</title><link>https://outlet.example/</link><description>d</description>\n",
    );
    let item = |guid: &str, title: &str, link: &str, published: &str| {
        let date = chrono::DateTime::parse_from_rfc3339(published)
            .map(|d| d.to_rfc2822())
            .unwrap_or_default();
        format!(
            "<item><title>{}</title><link>{link}</link><guid isPermaLink=\"false\">{guid}</guid>\
             <pubDate>{date}</pubDate></item>\n",
            xml_escape(&xml_escape(title))
        )
    };
    for s in stories {
        out.push_str(&item(
            s.route,
            s.title,
            &format!("{base}{}", s.route),
            s.published,
        ));
    }
    out.push_str(&item(
        &format!("{feed}{}", UNRELATED.0),
        UNRELATED.1,
        &format!("{base}/{feed}{}", UNRELATED.0),
        "2031-05-09T12:00:00Z",
    ));
    out.push_str("</channel></rss>\n");
    out
}

/// The local newsroom: three outlets, a dead wire and the baseline, served by `server`.
struct Newsroom {
    server: MockServer,
    env: TestEnv,
}

impl Newsroom {
    /// A config following the flood through the three outlets; `story_extra` and `extra` are
    /// TOML appended to the `[[story]]` table and to the file.
    async fn new(story_extra: &str, extra: &str) -> Newsroom {
        let server = MockServer::start().await;
        let base = server.uri();
        let mut text = String::from(
            "[settings]\ndatabase = \"{db}\"\nallow_private_networks = true\n\
             timeout = \"5s\"\nper_host = 8\n",
        );
        for (feed, name) in [
            ("courier", "Valley Courier"),
            ("post", "Harbour Post"),
            ("ledger", "Daily Ledger"),
            ("dead", "Dead wire"),
        ] {
            text.push_str(&format!(
                "\n[[feed]]\nurl = \"{base}/{feed}.xml\"\nname = \"{name}\"\n"
            ));
        }
        text.push_str(&format!(
            "\n[[story]]\nid = \"flood\"\ntitle = \"Velmora river flood\"\n\
             baseline_url = \"{base}{}\"\nentities = [\"Castrano\", \"Velmora\"]\n{story_extra}\n\
             \n{extra}\n",
            BASELINE.route
        ));
        let newsroom = Newsroom {
            server,
            env: TestEnv::raw(&text),
        };
        newsroom.serve(FIRST_DAY).await;
        newsroom
    }

    /// Serves the feeds with `stories` (and every page ever published).
    async fn serve(&self, stories: &[Story]) {
        self.server.reset().await;
        let base = self.server.uri();
        for feed in ["courier", "post", "ledger"] {
            let carried: Vec<&Story> = stories.iter().filter(|s| s.feed == feed).collect();
            serve(
                &self.server,
                &format!("/{feed}.xml"),
                ok(rss(&base, feed, &carried), RSS),
            )
            .await;
            serve(
                &self.server,
                &format!("/{feed}{}", UNRELATED.0),
                ok(
                    "<html><body><p>Grain prices held steady.</p></body></html>",
                    HTML,
                ),
            )
            .await;
        }
        serve(
            &self.server,
            "/dead.xml",
            ResponseTemplate::new(500).set_body_string("down"),
        )
        .await;
        for s in std::iter::once(&BASELINE)
            .chain(FIRST_DAY)
            .chain(SECOND_DAY)
        {
            serve(&self.server, s.route, ok(page(s), HTML)).await;
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let run = self.env.run(args);
        assert!(run.ok(), "followup {args:?} failed: {run:#?}");
        run
    }

    /// `matches --format json` of the story.
    fn matches(&self) -> Vec<Value> {
        match self
            .run(&["matches", "--story", "flood", "--format", "json"])
            .json()
        {
            Value::Array(rows) => rows,
            other => panic!("matches printed {other}"),
        }
    }

    /// Moves the dead feed's first failure three days back, as if it had failed that long.
    fn age_failures(&self) {
        let db = rusqlite::Connection::open(&self.env.db).expect("open the test database");
        let since = (chrono::Utc::now() - chrono::Duration::days(3))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        db.execute(
            "UPDATE feeds SET failing_since = ?1 WHERE failing_since IS NOT NULL",
            [since],
        )
        .expect("age failures");
    }
}

fn figure<'a>(story: &'a Value, kind: &str) -> &'a Value {
    story["figures"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} figure in {story:#}"))
}

fn names(story: &Value) -> BTreeMap<String, (u64, u64)> {
    story["new_names"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                n["name"].as_str().unwrap_or_default().to_string(),
                (
                    n["followups"].as_u64().unwrap_or(0),
                    n["new_followups"].as_u64().unwrap_or(0),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn digest_tells_what_changed_in_every_form() {
    let room = Newsroom::new("", "").await;
    room.run(&["poll"]);
    let first = room.matches();
    assert_eq!(first.len(), 3, "{first:#?}");
    assert!(first.iter().any(|m| m["title"] == HOSTILE), "{first:#?}");

    // The first digest is written to a file and recorded.
    let d1 = room.env.dir().join("digest-1.html");
    room.run(&["digest", "--output", d1.to_str().expect("utf-8 path")]);
    let html = std::fs::read_to_string(&d1).expect("the digest file");
    assert!(
        html.contains("Castrano flood: death toll rises to 14"),
        "{html}"
    );

    room.serve(SECOND_DAY).await;
    room.run(&["poll"]);
    room.age_failures();

    // Since the previous digest: the second day only, with both changes of the toll.
    let json = room.run(&["digest", "--format", "json"]).json();
    let flood = &json["stories"][0];
    assert_eq!(flood["period"]["since_previous_digest"], true, "{flood:#}");
    assert_eq!(flood["has_news"], true);
    let killed = figure(flood, "killed");
    assert_eq!(killed["baseline"]["phrase"], "at least 9", "{killed:#}");
    assert_eq!(killed["latest"]["value"], 21, "{killed:#}");
    assert_eq!(killed["latest"]["outlet"], "Valley Courier", "{killed:#}");
    assert_eq!(killed["since_baseline"], 12, "{killed:#}");
    assert_eq!(killed["previous"], 14, "{killed:#}");
    assert_eq!(killed["since_previous"], 7, "{killed:#}");
    assert_eq!(killed["changed"], true);
    assert_eq!(killed["disagreements"][0]["value"], 19, "{killed:#}");
    assert_eq!(killed["disagreements"][0]["outlet"], "Harbour Post");
    let missing = figure(flood, "missing");
    assert_eq!(missing["baseline"]["value"], 30, "{missing:#}");
    assert_eq!(missing["latest"]["value"], 12, "{missing:#}");
    assert_eq!(missing["since_previous"], -10, "{missing:#}");
    let titles: Vec<&str> = flood["followups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Castrano flood toll reaches 21 as the Velmora recedes",
            "Lindqvist Engineering pumps drain Castrano streets"
        ],
        "newest first: {flood:#}"
    );
    let new = names(flood);
    assert_eq!(new.get("Ilse Brandauer"), Some(&(4, 2)), "{new:?}");
    assert_eq!(new.get("Lindqvist Engineering"), Some(&(2, 1)), "{new:?}");
    assert!(
        !new.contains_key("Tomas Reiter"),
        "in the baseline: {new:?}"
    );
    assert_eq!(json["feeds_in_trouble"][0]["name"], "Dead wire", "{json:#}");

    // Every form of the whole coverage: the toll, the wire copy once with both outlets, the
    // new names, the footer, and the hostile headline as text.
    let text = room
        .run(&["digest", "--since", "7d", "--format", "text"])
        .stdout;
    assert!(
        text.contains("killed    at least 9 → at least 21 (+12; new since "),
        "{text}"
    );
    assert!(
        text.contains("Valley Courier, Harbour Post (2 outlets)"),
        "{text}"
    );
    assert!(
        text.contains("Ilse Brandauer (4 follow-ups, 4 new)"),
        "{text}"
    );
    assert!(text.contains(HOSTILE), "{text}");
    assert!(text.contains("Feeds in trouble\n  Dead wire"), "{text}");
    assert!(
        text.contains("other outlets say: 19 (Harbour Post"),
        "{text}"
    );

    let md = room
        .run(&["digest", "--since", "7d", "--format", "markdown"])
        .stdout;
    assert!(md.contains("at least 9 → at least 21"), "{md}");
    assert!(md.contains("\\<script\\>alert\\(1\\)\\</script\\>"), "{md}");
    assert!(!md.contains("](javascript"), "{md}");
    assert!(
        md.match_indices('<').all(|(i, _)| md[..i].ends_with('\\')),
        "an unescaped < in {md}"
    );
    assert!(md.contains("Ilse Brandauer: 4 follow-ups"), "{md}");
    assert!(md.contains("[Harbour Post](http://127.0.0.1"), "{md}");

    let html = room
        .run(&["digest", "--since", "7d", "--format", "html"])
        .stdout;
    let all = room
        .run(&["digest", "--since", "7d", "--format", "json"])
        .json();
    check_html(&html, &all);
    let d1 = std::fs::read_to_string(&d1).expect("the first digest");
    check_html(&d1, &Value::Null);
    let groups = &all["stories"][0]["followups"];
    assert_eq!(groups.as_array().map(Vec::len), Some(4), "{groups:#}");
    let wire = groups
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["outlets"].as_array().map(Vec::len) == Some(2))
        .unwrap_or_else(|| panic!("no group with two outlets: {groups:#}"));
    assert_eq!(wire["title"], "Castrano flood: death toll rises to 14");
    assert!(
        groups
            .as_array()
            .into_iter()
            .flatten()
            .any(|g| g["title"] == HOSTILE),
        "{groups:#}"
    );
}

/// The HTML parses, has one chart per figure kind of `json` (when given), no script, no
/// link but to web pages, and shows the hostile headline as text.
fn check_html(html: &str, json: &Value) {
    let doc = scraper::Html::parse_document(html);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    assert_eq!(doc.select(&select("script")).count(), 0, "{html}");
    assert!(doc.errors.len() < 5, "{:?}", doc.errors);
    let kinds = doc.select(&select("svg")).count();
    assert!(kinds >= 2, "{html}");
    if let Some(figures) = json["stories"][0]["figures"].as_array() {
        assert_eq!(kinds, figures.len(), "{html}");
    }
    for a in doc.select(&select("a")) {
        let href = a.value().attr("href").unwrap_or_default();
        assert!(href.starts_with("http://127.0.0.1:"), "{href}");
    }
    let text: String = doc.root_element().text().collect();
    assert!(text.contains(HOSTILE), "{text}");
    for banned in ["<img", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
}

#[tokio::test]
async fn send_mails_both_parts_once() {
    let sink = SmtpSink::start();
    let extra = format!(
        "[digest]\nsmtp_url = \"smtp://{}\"\nfrom = \"followup <followup@newsroom.test>\"\n\
         to = [\"desk@newsroom.test\", \"night@newsroom.test\"]\n",
        sink.addr
    );
    let room = Newsroom::new("", &extra).await;
    room.run(&["poll"]);

    let first = room.run(&["digest", "--send"]);
    assert!(
        first.stderr.contains("mailed the html digest"),
        "{first:#?}"
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    let mail = &messages[0];
    assert_eq!(mail.from, "followup@newsroom.test");
    assert_eq!(mail.to, ["desk@newsroom.test", "night@newsroom.test"]);
    let data = &mail.data;
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("Content-Type: text/plain"), "{data}");
    assert!(data.contains("Content-Type: text/html"), "{data}");
    assert!(
        data.contains("Subject: followup digest: Velmora river flood"),
        "{data}"
    );
    assert!(data.contains("<svg"), "{data}");

    // The same period again: nothing is sent, unless forced.
    let again = room.run(&["digest", "--send"]);
    assert!(again.stderr.contains("already sent"), "{again:#?}");
    assert_eq!(sink.messages().len(), 1);
    room.run(&["digest", "--send", "--force", "--format", "text"]);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert!(
        !messages[1].data.contains("multipart"),
        "{}",
        messages[1].data
    );

    // New coverage makes the next mail due again.
    room.serve(SECOND_DAY).await;
    room.run(&["poll"]);
    room.run(&["digest", "--send"]);
    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    assert!(
        messages[2]
            .data
            .contains("Lindqvist Engineering pumps drain"),
        "{}",
        messages[2].data
    );
}

#[tokio::test]
async fn alerts_announce_each_change_once() {
    let hooks = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&hooks)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("changes.jsonl");
    let script = dir.path().join("on-change.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat >> {}\necho \"$FOLLOWUP_STORY $FOLLOWUP_KIND\" >> {}.env\n",
            shell_quote(&log.display().to_string()),
            shell_quote(&log.display().to_string())
        ),
    )
    .expect("write the script");
    let story = format!(
        "on_change = [\"/bin/sh\", {}]\nwebhook = {}\n",
        toml_string(&script.display().to_string()),
        toml_string(&format!("{}/hook", hooks.uri()))
    );
    let room = Newsroom::new(&story, "").await;

    room.run(&["poll"]);
    room.run(&["poll"]);
    let after_first = read_changes(&log);
    room.serve(SECOND_DAY).await;
    room.run(&["poll"]);
    room.run(&["poll"]);
    let command = read_changes(&log);
    let posted: Vec<Value> = hooks
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("webhook body is JSON"))
        .collect();

    let keys = |changes: &[Value]| -> Vec<String> { changes.iter().map(key).collect() };
    let first_keys = keys(&after_first);
    assert!(
        first_keys.contains(&"figure killed 14".to_string()),
        "{first_keys:?}"
    );
    assert!(
        first_keys.contains(&"figure missing 22".to_string()),
        "{first_keys:?}"
    );
    assert_eq!(
        first_keys
            .iter()
            .filter(|k| k.starts_with("followup"))
            .count(),
        2,
        "the wire copy is one group: {first_keys:?}"
    );
    let all_keys = keys(&command);
    let unique: BTreeSet<&String> = all_keys.iter().collect();
    assert_eq!(
        unique.len(),
        all_keys.len(),
        "announced twice: {all_keys:?}"
    );
    assert!(
        all_keys.contains(&"figure killed 21".to_string()),
        "{all_keys:?}"
    );
    assert!(
        all_keys.contains(&"figure missing 12".to_string()),
        "{all_keys:?}"
    );
    assert_eq!(
        all_keys
            .iter()
            .filter(|k| k.starts_with("followup"))
            .count(),
        4,
        "{all_keys:?}"
    );
    let mut posted_keys = keys(&posted);
    posted_keys.sort();
    let mut sorted = all_keys.clone();
    sorted.sort();
    assert_eq!(posted_keys, sorted, "both channels hear the same changes");
    let env = std::fs::read_to_string(format!("{}.env", log.display())).expect("env log");
    assert!(env.lines().all(|l| l.starts_with("flood ")), "{env}");
    assert!(
        env.contains("flood figure") && env.contains("flood followup"),
        "{env}"
    );
    let hostile = command
        .iter()
        .find(|c| c["title"] == HOSTILE)
        .unwrap_or_else(|| panic!("no alert for the hostile headline: {command:#?}"));
    assert_eq!(hostile["outlets"][0]["name"], "Daily Ledger");
}

fn key(change: &Value) -> String {
    match change["kind"].as_str() {
        Some("figure") => format!(
            "figure {} {}",
            change["figure"].as_str().unwrap_or("?"),
            change["value"]
        ),
        _ => format!("followup {}", change["group"]),
    }
}

fn read_changes(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[tokio::test]
async fn a_failed_webhook_is_retried_on_the_next_poll() {
    let hooks = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&hooks)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hooks)
        .await;
    let story = format!(
        "webhook = {}\n",
        toml_string(&format!("{}/hook", hooks.uri()))
    );
    let room = Newsroom::new(&story, "").await;
    let first = room.run(&["poll"]);
    assert!(first.stderr.contains("alert failed"), "{first:#?}");
    let tried = hooks.received_requests().await.unwrap_or_default().len();
    assert_eq!(tried, 1, "a down channel is not hammered within a round");
    room.run(&["poll"]);
    room.run(&["poll"]);
    let bodies: Vec<Value> = hooks
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .skip(1)
        .map(|r| serde_json::from_slice(&r.body).expect("JSON body"))
        .collect();
    let keys: Vec<String> = bodies.iter().map(key).collect();
    let unique: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    assert_eq!(keys.len(), 4, "two figures and two groups: {keys:?}");
}

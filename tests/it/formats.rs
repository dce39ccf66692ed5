//! Every supported feed format, served locally and read by the real `poll`: each item stored
//! once, titles decoded to the exact text, links absolute.

use std::collections::BTreeMap;

use serde_json::Value;
use wiremock::MockServer;

use crate::util::{Feed, TestEnv, fixture, ok, serve};

/// (route, fixture file, Content-Type) of every format fixture.
const FIXTURES: &[(&str, &str, &str)] = &[
    ("/feeds/rss2.xml", "rss2.xml", "application/rss+xml"),
    ("/feeds/atom.xml", "atom.xml", "application/atom+xml"),
    ("/feeds/rdf.xml", "rdf.xml", "application/rdf+xml"),
    ("/feeds/feed.json", "feed.json", "application/feed+json"),
    // No charset in the header: the XML declaration alone must decide.
    ("/feeds/cp1251.xml", "cp1251.xml", "application/rss+xml"),
    ("/feeds/latin1.xml", "latin1.xml", "application/rss+xml"),
    ("/feeds/relative.xml", "relative.xml", "application/rss+xml"),
];

/// (route, title, link) of every item the fixtures hold; `{base}` is the server's URL.
const EXPECTED: &[(&str, &str, &str)] = &[
    (
        "/feeds/rss2.xml",
        "Bridge repairs & ferry delays expected through June",
        "https://gazette.example/world/2031/05/bridge-repairs",
    ),
    (
        "/feeds/rss2.xml",
        "Mayor\u{2019}s office: \u{201C}no new tolls\u{201D} this year",
        "https://gazette.example/world/2031/05/tolls",
    ),
    (
        "/feeds/rss2.xml",
        "Live: council votes on harbour plan",
        "https://gazette.example/world/2031/05/council-vote",
    ),
    (
        "/feeds/rss2.xml",
        "Storm Ilse reaches the coast",
        "https://gazette.example/world/2031/05/storm-ilse",
    ),
    (
        "/feeds/atom.xml",
        "Rail strike called off after overnight talks",
        "https://valley-times.example/news/2031/05/rail-strike",
    ),
    (
        "/feeds/atom.xml",
        "Cup final: Riverside 2\u{2013}1 Hillcrest",
        "https://valley-times.example/sport/2031/05/cup-final",
    ),
    (
        "/feeds/atom.xml",
        "Flood defences hold in the lower valley",
        "https://valley-times.example/opinion/2031/05/flood-defences",
    ),
    (
        "/feeds/rdf.xml",
        "Wildfire near Lindgren forces 400 from their homes",
        "https://northern-ledger.example/2031/05/03/wildfire",
    ),
    (
        "/feeds/rdf.xml",
        "Island ferry back in service & running on time",
        "https://northern-ledger.example/2031/05/03/ferry",
    ),
    (
        "/feeds/feed.json",
        "Port reopens after dredging & inspection",
        "https://coastline.example/2031/05/04/port-reopens",
    ),
    (
        "/feeds/feed.json",
        "Lighthouse keeper\u{2019}s cottage becomes a museum",
        "https://coastline.example/2031/05/04/lighthouse-museum",
    ),
    (
        "/feeds/cp1251.xml",
        "Паводок в Заречье: эвакуированы 120 жителей",
        "https://zarechye-news.example/2031/05/pavodok",
    ),
    (
        "/feeds/cp1251.xml",
        "«Северный экспресс» возобновил рейсы — с расписанием & скидками",
        "https://zarechye-news.example/2031/05/ekspress",
    ),
    (
        "/feeds/cp1251.xml",
        "Мэр пообещал восстановить мост к осени",
        "https://zarechye-news.example/2031/05/most",
    ),
    (
        "/feeds/latin1.xml",
        "Crue de la rivière : l'école évacuée à Saint-Aubry",
        "https://petit-riverain.example/2031/05/crue",
    ),
    (
        "/feeds/latin1.xml",
        "Fête du village : señor García élu « maire d'un jour »",
        "https://petit-riverain.example/2031/05/fete",
    ),
    (
        "/feeds/relative.xml",
        "Market hall roof to be replaced",
        "{base}/local/2031/05/market-hall",
    ),
    (
        "/feeds/relative.xml",
        "School choir wins regional contest",
        "{base}/feeds/stories/school-choir.html",
    ),
    (
        "/feeds/relative.xml",
        "Library extends opening hours",
        "{base}/archive/library-hours?id=77",
    ),
];

async fn serve_all() -> MockServer {
    let server = MockServer::start().await;
    for (route, file, content_type) in FIXTURES {
        serve(&server, route, ok(fixture(file), content_type)).await;
    }
    server
}

fn env_for(server: &MockServer) -> TestEnv {
    let feeds: Vec<Feed> = FIXTURES
        .iter()
        .map(|(route, _, _)| Feed::new(format!("{}{route}", server.uri())))
        .collect();
    TestEnv::new(&[], &feeds)
}

fn field<'a>(item: &'a Value, key: &str) -> &'a str {
    item[key].as_str().unwrap_or_default()
}

#[tokio::test]
async fn every_format_is_stored_once_with_exact_titles_and_absolute_links() {
    let server = serve_all().await;
    let base = server.uri();
    let env = env_for(&server);
    env.poll();
    let items = env.items(&[]);

    let mut seen: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for item in &items {
        let key = (
            field(item, "feed").to_string(),
            field(item, "title").to_string(),
        );
        seen.entry(key)
            .or_default()
            .push(field(item, "url").to_string());
    }
    for (route, title, link) in EXPECTED {
        let key = (format!("{base}{route}"), (*title).to_string());
        let links = seen.get(&key).unwrap_or_else(|| {
            panic!(
                "missing {title:?} from {route}; stored titles: {:#?}",
                crate::util::titles(&items)
            )
        });
        assert_eq!(links.len(), 1, "{title:?} stored {} times", links.len());
        assert_eq!(links[0], link.replace("{base}", &base), "link of {title:?}");
    }
    assert_eq!(
        items.len(),
        EXPECTED.len(),
        "unexpected extra items: {items:#?}"
    );
    for item in &items {
        let url = field(item, "url");
        assert!(
            url.starts_with("https://") || url.starts_with("http://"),
            "relative or missing link: {item}"
        );
    }
}

#[tokio::test]
async fn item_fields_follow_the_json_contract() {
    let server = serve_all().await;
    let env = env_for(&server);
    env.poll();
    let items = env.items(&[]);
    let by_title = |title: &str| {
        items
            .iter()
            .find(|i| i["title"] == title)
            .unwrap_or_else(|| panic!("no item {title:?}"))
            .clone()
    };
    let bridge = by_title("Bridge repairs & ferry delays expected through June");
    assert_eq!(bridge["guid"], "hg-2031-0501");
    assert_eq!(bridge["published"], "2031-05-01T08:15:00Z");
    assert!(
        chrono::DateTime::parse_from_rfc3339(field(&bridge, "first_seen")).is_ok(),
        "first_seen is not RFC 3339: {bridge}"
    );
    // A +02:00 offset is converted to UTC.
    let port = by_title("Port reopens after dredging & inspection");
    assert_eq!(port["guid"], "cd-7781");
    assert_eq!(port["published"], "2031-05-04T05:45:00Z");
    // A +03:00 pubDate in the windows-1251 feed.
    let flood = by_title("Паводок в Заречье: эвакуированы 120 жителей");
    assert_eq!(flood["published"], "2031-05-07T03:30:00Z");
    // Newest first by declared publication time.
    let published: Vec<&str> = items.iter().map(|i| field(i, "published")).collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted, "items are not newest first");
}

#[tokio::test]
async fn gzip_encoded_feed_is_read() {
    let server = MockServer::start().await;
    serve(
        &server,
        "/gz.xml",
        ok(fixture("rss2.xml.gz"), "application/rss+xml").insert_header("Content-Encoding", "gzip"),
    )
    .await;
    let env = TestEnv::new(&[], &[Feed::new(format!("{}/gz.xml", server.uri()))]);
    env.poll();
    let items = env.items(&[]);
    assert_eq!(items.len(), 4, "{items:#?}");
    assert!(crate::util::titles(&items).contains(&"Storm Ilse reaches the coast".to_string()));
}

#[tokio::test]
async fn charset_from_content_type_when_the_document_declares_none() {
    // ISO-8859-1 bytes, an XML declaration without `encoding`, the charset only in the
    // Content-Type header.
    let server = MockServer::start().await;
    serve(
        &server,
        "/undeclared.xml",
        ok(
            fixture("latin1-undeclared.xml"),
            "application/rss+xml; charset=ISO-8859-1",
        ),
    )
    .await;
    let env = TestEnv::new(
        &[],
        &[Feed::new(format!("{}/undeclared.xml", server.uri()))],
    );
    env.poll();
    let items = env.items(&[]);
    assert_eq!(
        crate::util::titles(&items),
        ["Ponte reaberta após obras de manutenção"],
        "{items:#?}"
    );
}

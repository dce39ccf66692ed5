//! Polite article fetching: a page that failed is remembered in the store, across polls and
//! restarts (each `poll` is a new process), and asked again only when its time comes.

use wiremock::ResponseTemplate;

use crate::util::{Entry, Site};

/// Two candidates of the test story whose pages fail: one gone (404), one rate limited
/// for an hour (429 with Retry-After), one answering 503 (backs off from the poll interval).
async fn failing_site() -> Site {
    let site = Site::start().await;
    site.serve_page("search", ResponseTemplate::new(404), 1)
        .await;
    site.serve_page(
        "first-aid",
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
        1,
    )
    .await;
    site.serve_page("greywall", ResponseTemplate::new(503), 1)
        .await;
    site
}

fn entries<'a>(site: &Site, search_summary: &'a str) -> Vec<Entry<'a>> {
    vec![
        site.entry(
            "search",
            "Orvane Dam: volunteers return at first light",
            search_summary,
            "2031-05-10T07:05:00Z",
        ),
        site.entry(
            "first-aid",
            "Orvane Dam collapse: Valdrian Red Cross sends first-aid teams",
            "Lessons by the Valdrian Red Cross moved to the Orvane valley.",
            "2031-05-10T08:05:00Z",
        ),
        site.entry(
            "greywall",
            "Orvane Dam collapse: Greywall shelters fill",
            "The Valdrian Red Cross opened two more shelters near the dam.",
            "2031-05-10T09:05:00Z",
        ),
    ]
}

#[tokio::test]
async fn a_failed_article_is_asked_for_once_until_its_time() {
    let site = failing_site().await;
    let summary = "Teams from the Valdrian Red Cross went back to the Orvane Dam on Saturday.";
    site.serve_feed("post", &entries(&site, summary), 5).await;
    let env = site.env(&["post"], "");
    let first = env.poll();
    assert!(first.ok());
    assert!(first.stderr.contains("3 requested"), "{}", first.stderr);
    // Nothing changed: the next polls judge nothing and request nothing, and say so.
    for _ in 0..2 {
        let again = env.poll();
        assert!(again.ok());
        assert!(
            again.stderr.contains("judged 0 items") && again.stderr.contains("(0 requested)"),
            "{}",
            again.stderr
        );
    }
    // Asked for by the first poll, then remembered by the next two (new processes).
    for stem in ["search", "first-aid", "greywall"] {
        assert_eq!(site.fetches(stem).await, 1, "{stem} asked again");
    }
    // A match judged without its article says why.
    let matches = env.matches(&["--explain"]);
    let why: Vec<&str> = matches
        .iter()
        .filter_map(|m| m["explanation"]["without_article"].as_str())
        .collect();
    assert!(
        why.iter()
            .any(|w| w.contains("HTTP 404") && w.contains("until the item changes")),
        "{matches:#?}"
    );
    // An edited item may have a page again: its gone link is asked once more. The
    // rate-limited page's Retry-After still holds.
    let edited =
        "Teams from the Valdrian Red Cross returned to the Orvane Dam; the search widened.";
    site.serve_feed("post", &entries(&site, edited), 1).await;
    assert!(env.poll().ok());
    assert_eq!(site.fetches("search").await, 2);
    assert_eq!(site.fetches("first-aid").await, 1);
    assert!(env.poll().ok());
    assert_eq!(site.fetches("search").await, 2);
}

/// Older items are judged again only when the background moved beyond the tolerance: one
/// new item in a background of forty is judged alone, and six more (past 5 % of the
/// background) bring the whole re-judge window back.
#[tokio::test]
async fn older_items_are_judged_again_only_when_the_background_moved() {
    let site = Site::start().await;
    let titles: Vec<String> = (0..46)
        .map(|n| format!("Council meeting {n} reviews the ferry timetable"))
        .collect();
    let all: Vec<Entry> = titles
        .iter()
        .enumerate()
        .map(|(n, title)| {
            site.entry(
                &format!("council-{n}"),
                title,
                "Councillors discussed the timetable and the harbour car park.",
                "2031-05-10T07:05:00Z",
            )
        })
        .collect();
    let judged = |run: &crate::util::Run| -> usize {
        let line = run
            .stderr
            .lines()
            .find(|l| l.starts_with("polled "))
            .unwrap_or_else(|| panic!("no summary: {}", run.stderr));
        line.split("judged ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no judged count: {line}"))
    };
    site.serve_feed("post", &all[..40], 5).await;
    let env = site.env(&["post"], "");
    assert_eq!(judged(&env.poll()), 40);
    site.serve_feed("post", &all[..41], 4).await;
    assert_eq!(
        judged(&env.poll()),
        1,
        "one new item, weights within the tolerance"
    );
    site.serve_feed("post", &all[..46], 3).await;
    assert_eq!(
        judged(&env.poll()),
        46,
        "the background moved: the window again"
    );
}

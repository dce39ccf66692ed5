//! Rendering tests on a hand-built digest of an invented story, with hostile feed strings.

use chrono::TimeZone;

use super::*;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 5, day, hour, 0, 0).unwrap()
}

const HOSTILE: &str = "<script>alert(1)</script> [x](javascript:alert(1)) \u{1b}[2J*bold*";

fn figure(value: u64, outlet: &str, url: &str, hour: u32) -> Figure {
    Figure {
        value,
        qualifier: Qualifier::Exact,
        phrase: value.to_string(),
        url: url.into(),
        title: None,
        outlet: outlet.into(),
        as_of: Some(at(10, hour)),
    }
}

fn sample() -> Digest {
    let period = Period {
        start: at(10, 6),
        end: at(11, 6),
        since_previous_digest: true,
    };
    let killed = FigureChange {
        kind: FigureKind::Killed,
        baseline: Some(Figure {
            qualifier: Qualifier::AtLeast,
            phrase: "at least 9".into(),
            ..figure(9, "baseline", "https://base.example/flood", 1)
        }),
        latest: figure(21, HOSTILE, "https://courier.example/toll", 18),
        since_baseline: Some(12),
        previous: Some(14),
        since_previous: Some(7),
        changed: true,
        disagreements: vec![Disagreement {
            value: 19,
            url: "javascript:alert(2)".into(),
            outlet: "Harbour Post".into(),
            as_of: Some(at(10, 16)),
        }],
        history: vec![
            Point {
                as_of: at(10, 3),
                value: 14,
            },
            Point {
                as_of: at(10, 18),
                value: 21,
            },
        ],
    };
    let missing = FigureChange {
        kind: FigureKind::Missing,
        baseline: Some(figure(30, "baseline", "https://base.example/flood", 1)),
        latest: figure(30, "baseline", "https://base.example/flood", 1),
        since_baseline: Some(0),
        previous: Some(30),
        since_previous: Some(0),
        changed: false,
        disagreements: vec![],
        history: vec![],
    };
    Digest {
        generated_at: at(11, 6),
        stories: vec![
            StoryDigest {
                id: "flood".into(),
                title: "River flood".into(),
                period,
                baseline: Some(BaselineInfo {
                    title: Some("Velmora floods Castrano".into()),
                    source: "https://base.example/flood".into(),
                    published: Some(at(9, 8)),
                }),
                has_news: true,
                figures: vec![killed, missing],
                followups: vec![FollowupGroup {
                    group: 3,
                    title: HOSTILE.into(),
                    url: "javascript:alert(3)".into(),
                    time: at(10, 12),
                    outlets: vec![
                        Outlet {
                            name: "Valley Courier".into(),
                            url: "https://courier.example/a".into(),
                        },
                        Outlet {
                            name: "Harbour <b>Post</b>".into(),
                            url: "https://post.example/a".into(),
                        },
                    ],
                    new_items: 2,
                }],
                new_names: vec![NewName {
                    name: "Ilse Brandauer".into(),
                    followups: 3,
                    new_followups: 2,
                }],
                last_activity: Some(at(10, 18)),
            },
            StoryDigest {
                id: "quake".into(),
                title: "Hill quake".into(),
                period,
                baseline: None,
                has_news: false,
                figures: vec![],
                followups: vec![],
                new_names: vec![],
                last_activity: None,
            },
        ],
        feeds_in_trouble: vec![FeedTrouble {
            name: "Dead wire".into(),
            url: "https://dead.example/rss".into(),
            failing_since: at(8, 0),
            errors: 40,
            last_error: Some("HTTP 500".into()),
        }],
    }
}

#[test]
fn text_has_changes_groups_names_and_footer() {
    let out = sample().render(DigestFormat::Text);
    assert!(
        out.contains("killed    at least 9 → 21 (+12; +7 since the last digest)"),
        "{out}"
    );
    assert!(
        out.contains("Valley Courier, Harbour <b>Post</b> (2 outlets)"),
        "{out}"
    );
    assert!(
        out.contains("Ilse Brandauer (3 follow-ups, 2 new)"),
        "{out}"
    );
    assert!(
        out.contains("Hill quake (quake): nothing new since the last digest."),
        "{out}"
    );
    assert!(out.contains("Dead wire"), "{out}");
    assert!(out.contains("other outlets say: 19 (Harbour Post"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn markdown_escapes_feed_text_and_links_only_the_web() {
    let out = sample().render(DigestFormat::Markdown);
    assert!(!out.contains("](javascript"), "{out}");
    assert!(!out.contains("<script>"), "{out}");
    assert!(out.contains("\\<script\\>"), "{out}");
    assert!(
        out.contains("[Valley Courier](https://courier.example/a)"),
        "{out}"
    );
    assert!(out.contains("Harbour \\<b\\>Post\\</b\\>"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn html_escapes_and_draws_a_chart_per_kind() {
    let out = sample().render(DigestFormat::Html);
    assert!(!out.contains("<script"), "{out}");
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{out}"
    );
    assert!(!out.contains("href=\"javascript"), "{out}");
    assert_eq!(out.matches("<svg").count(), 2, "{out}");
    assert!(!out.contains("src="), "nothing is fetched: {out}");
    assert!(out.contains("+7 since the last digest"), "{out}");
    let doc = scraper::Html::parse_document(&out);
    let links = scraper::Selector::parse("a[href]").unwrap();
    for a in doc.select(&links) {
        let href = a.value().attr("href").unwrap_or("");
        assert!(href.starts_with("https://"), "{href}");
    }
}

#[test]
fn json_carries_everything() {
    let out = sample().render(DigestFormat::Json);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let flood = &v["stories"][0];
    assert_eq!(flood["figures"][0]["since_previous"], 7);
    assert_eq!(flood["figures"][0]["latest"]["value"], 21);
    assert_eq!(
        flood["followups"][0]["outlets"][1]["name"],
        "Harbour <b>Post</b>"
    );
    assert_eq!(flood["new_names"][0]["followups"], 3);
    assert_eq!(v["stories"][1]["has_news"], false);
    assert_eq!(v["feeds_in_trouble"][0]["errors"], 40);
}

#[test]
fn changes_read_as_people_write_them() {
    assert_eq!(change(7), "+7");
    assert_eq!(change(-3), "−3");
    assert_eq!(change(0), "±0");
    assert_eq!(change(i64::MIN), format!("−{}", i64::MIN.unsigned_abs()));
}

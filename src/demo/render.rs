//! The world as a server sends it at one world hour: each outlet's feed in its format and
//! each article page with the furniture real sites put around the text (a cookie banner,
//! navigation, a "most read" rail naming other stories, a newsletter box, a footer).

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use quick_xml::escape::escape;

use super::world::{FeedFormat, Item, World};

/// Maps world hours to real times: hour 0 is when the baseline was published.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The real time of world hour 0.
    pub start: DateTime<Utc>,
}

impl Clock {
    /// The real time of a world hour (a few minutes past it, as real publishing is).
    pub fn at(&self, hours: u32) -> DateTime<Utc> {
        self.start + Duration::hours(i64::from(hours)) + Duration::minutes(7)
    }
}

/// Items a feed carries at most, newest first.
const FEED_LENGTH: usize = 20;

/// An outlet's feed at world hour `now`: its content type and body.
pub fn feed(
    world: &World,
    outlet: usize,
    now: u32,
    base: &str,
    clock: Clock,
) -> (&'static str, String) {
    let mut items: Vec<&Item> = world
        .items
        .iter()
        .filter(|i| i.outlet == outlet && i.hours <= now)
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(updated(i, now)));
    items.truncate(FEED_LENGTH);
    let site = &world.outlets[outlet];
    let home = format!("{base}/{}/", site.id);
    let self_url = format!("{home}feed");
    let newest = items.first().map_or(0, |i| updated(i, now));
    let link = |i: &Item| format!("{base}/{}", world.path(i));
    match site.format {
        FeedFormat::Rss => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            out.push_str("<rss version=\"2.0\"><channel>\n");
            out.push_str(&format!(
                "<title>{}</title><link>{}</link><description>News from {}</description>\n<lastBuildDate>{}</lastBuildDate>\n",
                escape(site.name.as_str()),
                escape(home.as_str()),
                escape(site.name.as_str()),
                clock.at(newest).to_rfc2822()
            ));
            for i in items {
                out.push_str(&format!(
                    "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}-{}</guid><pubDate>{}</pubDate><description>{}</description></item>\n",
                    escape(i.title.as_str()),
                    escape(link(i).as_str()),
                    escape(site.id.as_str()),
                    escape(i.id.as_str()),
                    clock.at(i.hours).to_rfc2822(),
                    escape(i.summary.as_str())
                ));
            }
            out.push_str("</channel></rss>\n");
            ("application/rss+xml; charset=utf-8", out)
        }
        FeedFormat::Atom => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
            out.push_str(&format!(
                "<title>{}</title><id>{}</id><link rel=\"self\" href=\"{}\"/><link href=\"{}\"/><updated>{}</updated>\n",
                escape(site.name.as_str()),
                escape(home.as_str()),
                escape(self_url.as_str()),
                escape(home.as_str()),
                rfc3339(clock.at(newest))
            ));
            for i in items {
                out.push_str(&format!(
                    "<entry><id>tag:{}.demo,2026:{}</id><title>{}</title><link href=\"{}\"/><published>{}</published><updated>{}</updated><author><name>{}</name></author><summary>{}</summary></entry>\n",
                    escape(site.id.as_str()),
                    escape(i.id.as_str()),
                    escape(i.title.as_str()),
                    escape(link(i).as_str()),
                    rfc3339(clock.at(i.hours)),
                    rfc3339(clock.at(updated(i, now))),
                    escape(site.byline.as_str()),
                    escape(i.summary.as_str())
                ));
            }
            out.push_str("</feed>\n");
            ("application/atom+xml; charset=utf-8", out)
        }
        FeedFormat::Json => {
            let entries: Vec<serde_json::Value> = items
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "id": format!("{}-{}", site.id, i.id),
                        "url": link(i),
                        "title": i.title,
                        "summary": i.summary,
                        "date_published": rfc3339(clock.at(i.hours)),
                        "date_modified": rfc3339(clock.at(updated(i, now))),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1",
                "title": site.name,
                "home_page_url": home,
                "feed_url": self_url,
                "items": entries,
            });
            ("application/feed+json; charset=utf-8", doc.to_string())
        }
    }
}

/// An item's page at world hour `now`, if it exists then.
pub fn page(world: &World, item: &Item, now: u32, base: &str, clock: Clock) -> Option<String> {
    if item.hours > now {
        return None;
    }
    let version = item.version_at(now)?;
    let site = &world.outlets[item.outlet];
    let url = format!("{base}/{}", world.path(item));
    let published = rfc3339(clock.at(item.hours));
    let modified = rfc3339(clock.at(version.hours));
    let nav: String = site
        .sections
        .iter()
        .map(|s| {
            format!(
                "<a href=\"{base}/{}/\">{}</a> ",
                site.id,
                escape(s.as_str())
            )
        })
        .collect();
    let paragraphs: String = version
        .body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    // The rail lists the outlet's other stories, as real sites do: names on the page that
    // are not the article's.
    let rail: String = world
        .items
        .iter()
        .filter(|i| i.outlet == item.outlet && i.id != item.id && i.hours <= now)
        .rev()
        .take(4)
        .map(|i| {
            format!(
                "<li><a href=\"{base}/{}\">{}</a></li>",
                world.path(i),
                escape(i.title.as_str())
            )
        })
        .collect();
    let name = escape(site.name.as_str());
    let title = escape(item.title.as_str());
    Some(format!(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {name}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{name}">
<meta property="article:published_time" content="{published}">
<meta property="article:modified_time" content="{modified}">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience and to show you relevant advertising. <a href="#">Accept all</a> <a href="#">Manage preferences</a></div>
<header><a class="logo" href="{base}/{outlet}/">{name}</a><nav>{nav}</nav><a href="#">Subscribe</a> <a href="#">Sign in</a></header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">By {byline} &middot; <time datetime="{modified}">Updated {modified}</time></p>
{paragraphs}<p class="share">Share this article: Facebook &middot; X &middot; WhatsApp &middot; Email</p>
</article>
<aside class="most-read"><h2>Most read</h2><ol>{rail}</ol></aside>
<section class="newsletter"><h2>The morning briefing</h2><p>The day's top stories in your inbox before breakfast. <a href="#">Sign up</a></p></section>
</main>
<footer><p>&copy; 2026 {name}. All rights reserved.</p><p><a href="#">About us</a> &middot; <a href="#">Contact</a> &middot; <a href="#">Privacy policy</a> &middot; <a href="#">Terms of use</a></p></footer>
</body></html>
"##,
        outlet = escape(site.id.as_str()),
        byline = escape(site.byline.as_str()),
    ))
}

/// When an item last changed by world hour `now`: its latest page version, else its hour.
fn updated(item: &Item, now: u32) -> u32 {
    item.version_at(now).map_or(item.hours, |v| v.hours)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock {
            start: DateTime::parse_from_rfc3339("2026-01-10T18:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn feeds_grow_with_the_clock_and_parse_in_their_format() {
        let world = World::embedded().unwrap();
        for (i, _) in world.outlets.iter().enumerate() {
            let early = feed(&world, i, world.story.steps[0], "http://h", clock()).1;
            let late = feed(&world, i, world.last_hour(), "http://h", clock()).1;
            let parse = |body: &str| feed_rs::parser::parse(body.as_bytes()).unwrap();
            assert!(parse(&early).entries.len() < parse(&late).entries.len());
        }
    }

    #[test]
    fn a_live_page_changes_and_a_page_does_not_exist_before_its_hour() {
        let world = World::embedded().unwrap();
        let live = world.items.iter().find(|i| i.versions.len() > 1).unwrap();
        let first = page(&world, live, live.hours, "http://h", clock()).unwrap();
        let last = page(&world, live, world.last_hour(), "http://h", clock()).unwrap();
        assert_ne!(first, last);
        assert!(live.hours > 0);
        assert!(page(&world, live, live.hours - 1, "http://h", clock()).is_none());
        // Text from the world is escaped, never markup.
        assert!(!last.contains("<p>Latest: <"));
    }
}

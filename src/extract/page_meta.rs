//! What a page says about itself outside its body text: headline, publication and update
//! times, the site name and any `articleBody` it publishes as JSON-LD.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use scraper::{Html, Node};
use serde_json::Value;

/// Bounds the JSON-LD walk on hostile pages.
const MAX_LD_VALUES: usize = 20_000;

/// Facts read from meta tags, JSON-LD and microdata.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    /// The headline with the site name removed.
    pub title: Option<String>,
    /// First publication time.
    pub published: Option<DateTime<Utc>>,
    /// Last update time.
    pub updated: Option<DateTime<Utc>>,
    /// The longest JSON-LD `articleBody`, raw (it may hold markup or entities).
    pub ld_body: Option<String>,
    /// Every script's text except JSON-LD, for pages that keep their text in app state.
    pub scripts: Vec<String>,
}

/// Candidate values in the order they were found, one list per field.
#[derive(Default)]
struct Found {
    og_title: Option<String>,
    ld_headline: Option<String>,
    h1: Option<String>,
    html_title: Option<String>,
    site_name: Option<String>,
    meta_published: Vec<String>,
    meta_updated: Vec<String>,
    ld_published: Vec<String>,
    ld_updated: Vec<String>,
    item_published: Vec<String>,
    item_updated: Vec<String>,
    time_datetime: Vec<String>,
    ld_body: Option<String>,
}

/// Reads the page's self-description in one flat pass over its nodes.
pub(crate) fn read(doc: &Html) -> PageMeta {
    let mut found = Found::default();
    let mut scripts = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("itemprop"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(content) = el.attr("content").map(str::trim).filter(|c| !c.is_empty())
                else {
                    continue;
                };
                match key.as_str() {
                    "og:title" => set_once(&mut found.og_title, content),
                    "og:site_name" | "application-name" => set_once(&mut found.site_name, content),
                    "article:published_time" | "og:published_time" | "article:published" => {
                        found.meta_published.push(content.to_owned());
                    }
                    "datepublished" => found.item_published.push(content.to_owned()),
                    "datemodified" => found.item_updated.push(content.to_owned()),
                    "pubdate" | "publishdate" | "publish-date" | "date" | "dc.date"
                    | "dc.date.issued" | "dcterms.created" | "parsely-pub-date"
                    | "sailthru.date" | "article.published" => {
                        found.item_published.push(content.to_owned());
                    }
                    "article:modified_time"
                    | "og:updated_time"
                    | "article:modified"
                    | "dcterms.modified"
                    | "last-modified" => {
                        found.meta_updated.push(content.to_owned());
                    }
                    _ => {}
                }
            }
            "script" => {
                let text: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                let kind = el.attr("type").unwrap_or("").to_ascii_lowercase();
                if kind.contains("ld+json") {
                    read_json_ld(&text, &mut found);
                } else if !kind.contains("javascript") && !kind.is_empty() && !kind.contains("json")
                {
                    // Templates and other non-data scripts carry no article text.
                } else {
                    scripts.push(text);
                }
            }
            "title" if found.html_title.is_none() => {
                let text = element_text(node);
                if !text.is_empty() {
                    found.html_title = Some(text);
                }
            }
            "h1" if found.h1.is_none() => {
                let text = element_text(node);
                if !text.is_empty() {
                    found.h1 = Some(text);
                }
            }
            "time" => {
                if let Some(dt) = el.attr("datetime") {
                    match el.attr("itemprop") {
                        Some("dateModified") => found.item_updated.push(dt.to_owned()),
                        Some("datePublished") => found.item_published.push(dt.to_owned()),
                        _ => found.time_datetime.push(dt.to_owned()),
                    }
                }
            }
            _ => {
                if let Some(prop) = el.attr("itemprop") {
                    let value = el.attr("datetime").or_else(|| el.attr("content"));
                    match (prop, value) {
                        ("datePublished", Some(v)) => found.item_published.push(v.to_owned()),
                        ("dateModified", Some(v)) => found.item_updated.push(v.to_owned()),
                        _ => {}
                    }
                }
            }
        }
    }
    finish(found, scripts)
}

fn finish(found: Found, scripts: Vec<String>) -> PageMeta {
    let site = found.site_name.as_deref();
    let title = [
        &found.og_title,
        &found.ld_headline,
        &found.h1,
        &found.html_title,
    ]
    .into_iter()
    .flatten()
    .map(|t| clean_title(t, site))
    .find(|t| !t.is_empty());
    let first_time = |lists: &[&Vec<String>]| {
        lists
            .iter()
            .flat_map(|l| l.iter())
            .find_map(|s| parse_time(s))
    };
    let published = first_time(&[
        &found.meta_published,
        &found.ld_published,
        &found.item_published,
        &found.time_datetime,
    ]);
    let updated = first_time(&[&found.meta_updated, &found.ld_updated, &found.item_updated]);
    PageMeta {
        title,
        published,
        updated,
        ld_body: found.ld_body,
        scripts,
    }
}

fn set_once(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = Some(value.to_owned());
    }
}

/// The collapsed text under one element (titles and headlines only).
fn element_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            out.push_str(t);
            out.push(' ');
        }
        if out.len() > 2000 {
            break;
        }
    }
    collapse(&out)
}

/// Collapses runs of whitespace (including no-break spaces) to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in
        s.split(|c: char| c.is_whitespace() || matches!(c, '\u{a0}' | '\u{200b}' | '\u{feff}'))
    {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Parses one JSON-LD block, tolerating the raw control characters many sites leave in it.
fn read_json_ld(raw: &str, found: &mut Found) {
    let cleaned: String = raw
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let Ok(value) = serde_json::from_str::<Value>(cleaned.trim()) else {
        return;
    };
    let mut stack = vec![&value];
    let mut seen = 0usize;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > MAX_LD_VALUES {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                let article_like = type_names(map.get("@type"))
                    .any(|t| t.contains("Article") || t.contains("Posting") || t == "Report");
                if article_like {
                    if let Some(h) = map.get("headline").and_then(Value::as_str) {
                        set_once(&mut found.ld_headline, h.trim());
                    }
                    if let Some(d) = map.get("datePublished").and_then(Value::as_str) {
                        found.ld_published.push(d.to_owned());
                    }
                    if let Some(d) = map.get("dateModified").and_then(Value::as_str) {
                        found.ld_updated.push(d.to_owned());
                    }
                    if let Some(body) = map.get("articleBody").and_then(Value::as_str) {
                        let longer = found.ld_body.as_ref().is_none_or(|b| body.len() > b.len());
                        if longer && !body.trim().is_empty() {
                            found.ld_body = Some(body.to_owned());
                        }
                    }
                }
                if let Some(name) = map
                    .get("publisher")
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                {
                    set_once(&mut found.site_name, name.trim());
                }
                // Walk nested values (@graph, mainEntity, liveBlogUpdate...) in order.
                let children: Vec<&Value> = map
                    .iter()
                    .filter(|(k, _)| k.as_str() != "publisher")
                    .map(|(_, v)| v)
                    .filter(|v| v.is_object() || v.is_array())
                    .collect();
                stack.extend(children.into_iter().rev());
            }
            _ => {}
        }
    }
}

fn type_names(v: Option<&Value>) -> impl Iterator<Item = &str> {
    let list: Vec<&str> = match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
}

/// Removes a site name prefix or suffix ("Headline | Site", "Site - Headline").
pub(crate) fn clean_title(raw: &str, site: Option<&str>) -> String {
    let title = collapse(raw);
    const SEPS: [&str; 8] = [" | ", " - ", " – ", " — ", " · ", " :: ", " » ", " / "];
    if let Some(site) = site.map(collapse).filter(|s| !s.is_empty()) {
        let lower = title.to_lowercase();
        let site_l = site.to_lowercase();
        for sep in SEPS.iter().chain([": "].iter()) {
            if let Some(head) = lower.strip_suffix(&format!("{sep}{site_l}"))
                && !head.trim().is_empty()
            {
                return title[..head.len()].trim().to_owned();
            }
            if let Some(tail) = lower.strip_prefix(&format!("{site_l}{sep}"))
                && !tail.trim().is_empty()
            {
                return title[title.len() - tail.len()..].trim().to_owned();
            }
        }
    }
    for sep in SEPS {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            // Site names are short and capitalised ("Daily Lark", "lark.com").
            let named = tail.chars().next().is_some_and(char::is_uppercase) || tail.contains('.');
            if named && tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 2
            {
                return head.trim().to_owned();
            }
        }
    }
    title
}

/// Parses the date formats pages use, leniently, into UTC; implausible years are rejected.
pub(crate) fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let plausible = |dt: DateTime<Utc>| {
        let year = chrono::Datelike::year(&dt);
        ((1990..=2100).contains(&year)).then_some(dt)
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return plausible(dt.with_timezone(&Utc));
    }
    // "2024-03-01 10:00:00+0100", "2024-03-01T10:00:00.000+0000", "...Z" with odd spacing.
    let t = s.replacen(' ', "T", 1).replace(" ", "");
    let t = t
        .strip_suffix("UTC")
        .or_else(|| t.strip_suffix("GMT"))
        .map_or(t.clone(), |x| format!("{x}Z"));
    if let Ok(dt) = DateTime::parse_from_rfc3339(&t) {
        return plausible(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&t, fmt) {
            return plausible(dt.with_timezone(&Utc));
        }
    }
    let naive = t.trim_end_matches('Z');
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return plausible(dt.and_utc());
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return plausible(dt.with_timezone(&Utc));
    }
    let date_part = s.get(..10).unwrap_or(s);
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, fmt) {
            return d
                .and_hms_opt(0, 0, 0)
                .and_then(|dt| plausible(dt.and_utc()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> String {
        parse_time(s).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn times_parse_leniently_to_utc() {
        assert_eq!(ts("2021-05-04T10:20:30+02:00"), "2021-05-04T08:20:30+00:00");
        assert_eq!(
            ts("2021-05-04T10:20:30.123+0200"),
            "2021-05-04T08:20:30.123+00:00"
        );
        assert_eq!(ts("2021-05-04 10:20:30"), "2021-05-04T10:20:30+00:00");
        assert_eq!(ts("2021-05-04T10:20"), "2021-05-04T10:20:00+00:00");
        assert_eq!(ts("2021-05-04"), "2021-05-04T00:00:00+00:00");
        assert_eq!(
            ts("Tue, 04 May 2021 10:20:30 GMT"),
            "2021-05-04T10:20:30+00:00"
        );
        assert_eq!(ts("yesterday"), "");
        assert_eq!(ts("0001-01-01T00:00:00Z"), "");
    }

    #[test]
    fn titles_lose_site_names() {
        assert_eq!(
            clean_title("Bridge reopens | Daily Lark", None),
            "Bridge reopens"
        );
        assert_eq!(
            clean_title("Old bridge reopens after repairs - The Lark", None),
            "Old bridge reopens after repairs"
        );
        assert_eq!(
            clean_title("Lark News: Bridge reopens", Some("Lark News")),
            "Bridge reopens"
        );
        assert_eq!(
            clean_title("Pre-war bridge - a history", None),
            "Pre-war bridge - a history"
        );
        assert_eq!(
            clean_title("Live: river floods - updates", None),
            "Live: river floods - updates"
        );
        assert_eq!(
            clean_title("Floods - live | North Post", Some("North Post")),
            "Floods - live"
        );
    }

    #[test]
    fn json_ld_graph_and_arrays() {
        let html = r#"<html><head><script type="application/ld+json">
        [{"@context":"https://schema.org","@graph":[{"@type":"WebPage","datePublished":"2001-01-01"},
        {"@type":["NewsArticle"],"headline":"Ferry delayed","datePublished":"2022-02-03T04:05:06-05:00",
        "dateModified":"2022-02-04T00:00:00Z","articleBody":"The ferry
        left late."}]}]</script></head><body></body></html>"#;
        let meta = read(&Html::parse_document(html));
        assert_eq!(meta.title.as_deref(), Some("Ferry delayed"));
        assert_eq!(
            meta.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2022-02-03T09:05:06+00:00")
        );
        assert_eq!(
            meta.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2022-02-04T00:00:00+00:00")
        );
        assert!(meta.ld_body.unwrap_or_default().contains("ferry"));
    }
}

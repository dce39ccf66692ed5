//! Feed bytes → items: RSS 0.9x/1.0/2.0, Atom and JSON Feed via feed-rs, with repairs for
//! the common ways real feeds break strict parsing, and titles/summaries reduced to text.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use feed_rs::model::{Entry, Feed};
use url::Url;

use super::{decode, lenient};
use crate::model::Item;
use crate::text::html::html_to_text;

/// Longest title kept, in characters; a 5 MB "title" is junk, not a headline.
const MAX_TITLE: usize = 1_000;
/// Longest title made from a summary when the entry's own title has no words.
const MAX_MADE_TITLE: usize = 160;
/// Longest summary kept, in characters.
const MAX_SUMMARY: usize = 20_000;
/// Most entries read from one document.
const MAX_ENTRIES: usize = 10_000;
/// Most tags in a title or summary handed to the HTML parser.
const MAX_FRAGMENT_TAGS: usize = 2_000;
/// Longest guid or link kept, in characters; identities longer than this are junk.
const MAX_IDENTITY: usize = 2_048;

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The body is an HTML page, not a feed.
    #[error("not a feed: the server sent an HTML page")]
    Html,
    /// The body is empty.
    #[error("not a feed: empty document")]
    Empty,
    /// The parser rejected it even after repairs.
    #[error("cannot parse feed")]
    Parse(#[source] feed_rs::parser::ParseFeedError),
    /// The parser failed on the document (feed-rs can panic inside quick-xml on UTF-16).
    #[error("cannot parse feed: the feed parser failed on this document (unsupported encoding?)")]
    ParserFailed,
}

/// A parsed feed: its entries and the scheduling hints it declares.
#[derive(Debug, Clone, Default)]
pub struct ParsedFeed {
    /// The entries, in document order.
    pub items: Vec<Item>,
    /// RSS `<ttl>` or `sy:updatePeriod`/`sy:updateFrequency`, as a polling interval.
    pub ttl: Option<Duration>,
    /// True when the document had to be repaired (truncated, odd version) to be read.
    pub repaired: bool,
    /// The feed's own title, as text.
    pub title: Option<String>,
}

/// Parses a feed document fetched from `url`. Relative links resolve against xml:base or
/// `url`. The charset comes from the BOM, the bytes themselves and the XML declaration (see
/// [`decode`]); a document the strict parser refuses is read by a tolerant scanner, and
/// entries the strict parser missed are added from it, so a broken feed loses as little as
/// a liberal reader would.
pub fn parse(bytes: &[u8], url: &Url) -> Result<ParsedFeed, FeedError> {
    let text = decode::to_utf8(bytes);
    let trimmed = trim_start(&text);
    if trimmed.is_empty() {
        return Err(FeedError::Empty);
    }
    let (strict, first_error) = match parse_strict(trimmed.as_bytes(), url) {
        Ok(feed) => (Some((feed, false)), None),
        Err(err) => {
            if looks_like_html(trimmed.as_bytes()) {
                return Err(FeedError::Html);
            }
            let repaired = repairs(trimmed)
                .into_iter()
                .find_map(|fixed| parse_strict(fixed.as_bytes(), url).ok());
            (repaired.map(|feed| (feed, true)), Some(err))
        }
    };
    let scan = lenient::scan(trimmed, MAX_ENTRIES);
    let Some((feed, repaired)) = strict else {
        if scan.entries.is_empty() && !scan.feed_root {
            return Err(first_error.unwrap_or(FeedError::ParserFailed));
        }
        return Ok(ParsedFeed {
            items: scan
                .entries
                .into_iter()
                .map(|raw| convert_raw(raw, url))
                .collect(),
            ttl: rss_ttl(trimmed).or_else(|| syndication_period(trimmed.as_bytes())),
            repaired: true,
            title: None,
        });
    };
    let mut parsed = convert(feed, trimmed.as_bytes(), repaired);
    let extra = missing_from(&parsed.items, scan.entries, url);
    if !extra.is_empty() {
        parsed.repaired = true;
        parsed.items.extend(extra);
        parsed.items.truncate(MAX_ENTRIES);
    }
    Ok(parsed)
}

/// Parses a feed as served over HTTP: like [`parse`], but when the document names no
/// charset of its own (no BOM, no `encoding` in its XML declaration) and is not UTF-8, the
/// charset of `content_type` decides. A valid UTF-8 body is kept as is, because a header
/// charset that contradicts it is far more often a server default than the truth.
pub fn parse_served(
    bytes: &[u8],
    url: &Url,
    content_type: Option<&str>,
) -> Result<ParsedFeed, FeedError> {
    let header = content_type.and_then(header_charset);
    match header {
        Some(encoding)
            if encoding != encoding_rs::UTF_8
                && !declares_charset(bytes)
                && std::str::from_utf8(bytes).is_err() =>
        {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            parse(text.as_bytes(), url)
        }
        _ => parse(bytes, url),
    }
}

/// The encoding named by a Content-Type's `charset` parameter, if encoding_rs knows it.
fn header_charset(content_type: &str) -> Option<&'static encoding_rs::Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        encoding_rs::Encoding::for_label(value.trim().trim_matches('"').as_bytes())
    })
}

/// Whether the document names its own charset: a BOM, or `encoding` in its XML declaration.
fn declares_charset(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
    {
        return true;
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 256)];
    if !head.starts_with(b"<?xml") {
        return false;
    }
    let declaration = match memchr::memmem::find(head, b"?>") {
        Some(end) => &head[..end],
        None => head,
    };
    memchr::memmem::find(declaration, b"encoding").is_some()
}

fn parse_strict(bytes: &[u8], url: &Url) -> Result<Feed, FeedError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        // An empty id marks "the feed gave none": identity then falls back to the link.
        .id_generator(|_, _, _| String::new())
        .build();
    // feed-rs can panic inside quick-xml on UTF-16 input; one bad feed must not end the run.
    match std::panic::catch_unwind(AssertUnwindSafe(|| parser.parse(bytes))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(err)) => Err(FeedError::Parse(err)),
        Err(_) => Err(FeedError::ParserFailed),
    }
}

/// Skips a BOM-less run of whitespace or junk before the root, which strict parsers refuse.
fn trim_start(text: &str) -> &str {
    // A second BOM after the first, or one left by concatenation, counts as whitespace.
    let rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    match rest.chars().next() {
        // A JSON feed or an XML document: leave as is.
        Some('<') | Some('{') | None => rest,
        // Junk before the root: start at the first '<' if there is one.
        Some(_) => rest.find('<').map_or(rest, |p| &rest[p..]),
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    (head.contains("<!doctype html") || head.contains("<html"))
        && !head.contains("<rss")
        && !head.contains("<feed")
        && !head.contains("<rdf")
}

/// Candidate repairs, tried in order: an odd `<rss version>`, a truncated document closed
/// after its last complete entry.
fn repairs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let versioned = fix_rss_version(text);
    if let Some(fixed) = &versioned {
        out.push(fixed.clone());
    }
    let base = versioned.as_deref().unwrap_or(text);
    if let Some(closed) = close_truncated(base) {
        out.push(closed);
    }
    out
}

fn fix_rss_version(text: &str) -> Option<String> {
    let start = text.find("<rss")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let fixed_tag = match tag.find("version=") {
        Some(v) => {
            // Everything stays inside the tag, and only ASCII quotes count: a fuzzed
            // `version=á2.0"` once sliced through a multi-byte character here.
            let value_start = v + "version=".len();
            let quote = tag[value_start..]
                .chars()
                .next()
                .filter(|q| matches!(q, '"' | '\''))?;
            let close = value_start + 1 + tag[value_start + 1..].find(quote)?;
            if &tag[value_start + 1..close] == "2.0" {
                return None;
            }
            format!("{}\"2.0\"{}", &tag[..value_start], &tag[close + 1..])
        }
        None => format!("{} version=\"2.0\"", tag),
    };
    Some(format!("{}{}{}", &text[..start], fixed_tag, &text[end..]))
}

fn close_truncated(text: &str) -> Option<String> {
    let (last, closing) = [("</item>", "</channel></rss>"), ("</entry>", "</feed>")]
        .iter()
        .filter_map(|(tag, close)| text.rfind(tag).map(|p| (p + tag.len(), *close)))
        .max_by_key(|(p, _)| *p)?;
    let mut closing = closing.to_string();
    if text.contains("<rdf:RDF") {
        closing = "</rdf:RDF>".into();
    } else if !text.contains("<channel") {
        closing = closing.replace("</channel>", "");
    }
    Some(format!("{}{}", &text[..last], closing))
}

fn convert(feed: Feed, raw: &[u8], repaired: bool) -> ParsedFeed {
    let ttl = feed
        .ttl
        .filter(|m| *m > 0)
        .map(|m| Duration::from_secs(u64::from(m) * 60))
        .or_else(|| syndication_period(raw));
    let items = feed
        .entries
        .into_iter()
        .take(MAX_ENTRIES)
        .map(convert_entry)
        .collect();
    let title = feed
        .title
        .map(|t| clip(fragment_text(&t.content).trim(), MAX_TITLE))
        .filter(|t| t.chars().any(char::is_alphanumeric));
    ParsedFeed {
        items,
        ttl,
        repaired,
        title,
    }
}

fn convert_entry(entry: Entry) -> Item {
    let guid = Some(clip(entry.id.trim(), MAX_IDENTITY)).filter(|id| !id.is_empty());
    let url = pick_link(
        entry
            .links
            .iter()
            .map(|l| (l.href.as_str(), l.rel.as_deref())),
    )
    .map(|u| clip(&u, MAX_IDENTITY));
    let title = entry
        .title
        .map(|t| clip(&fragment_text(&t.content), MAX_TITLE))
        .unwrap_or_default();
    let summary = entry
        .summary
        .map(|s| s.content)
        .or_else(|| entry.content.and_then(|c| c.body))
        .map(|s| clip(&fragment_text(&s), MAX_SUMMARY))
        .unwrap_or_default();
    let title = shown_title(title, &summary, url.as_deref());
    Item {
        guid,
        url,
        title,
        summary,
        published: entry.published.or(entry.updated),
        updated: entry.updated,
    }
}

/// The entry's page: the `alternate` link (or one without rel), else the first http(s) link.
fn pick_link<'a>(links: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Option<String> {
    let web: Vec<(&str, Option<&str>)> = links
        .filter(|(href, _)| href.starts_with("http://") || href.starts_with("https://"))
        .collect();
    web.iter()
        .find(|(_, rel)| rel.is_none_or(|r| r == "alternate"))
        .or_else(|| web.first())
        .map(|(href, _)| href.trim().to_string())
}

/// `sy:updatePeriod` and `sy:updateFrequency` (RSS syndication module), which feed-rs ignores.
fn syndication_period(raw: &[u8]) -> Option<Duration> {
    let head = String::from_utf8_lossy(&raw[..raw.len().min(16 * 1024)]);
    let element = |name: &str| {
        let open = format!("<sy:{name}>");
        let start = head.find(&open)? + open.len();
        let end = start + head[start..].find('<')?;
        Some(head[start..end].trim().to_ascii_lowercase())
    };
    let period = match element("updatePeriod")?.as_str() {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 7 * 86_400,
        "monthly" => 30 * 86_400,
        "yearly" => 365 * 86_400,
        _ => return None,
    };
    let frequency = element("updateFrequency")
        .and_then(|f| f.parse::<u64>().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1);
    Some(Duration::from_secs(period / frequency))
}

/// Converts an entry found by the tolerant scanner, the same way as a strictly parsed one.
fn convert_raw(raw: lenient::RawEntry, base: &Url) -> Item {
    let guid = raw_guid(&raw);
    let url = raw_url(&raw, base);
    let title = raw_title(&raw);
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or(raw.content)
        .map(|s| clip(&fragment_text(&s), MAX_SUMMARY))
        .unwrap_or_default();
    let updated = raw.updated.as_deref().and_then(parse_date);
    let title = shown_title(title, &summary, url.as_deref());
    Item {
        guid,
        url,
        title,
        summary,
        published: raw.published.as_deref().and_then(parse_date).or(updated),
        updated,
    }
}

/// A scanned entry's guid, as [`convert_raw`] sets it.
fn raw_guid(raw: &lenient::RawEntry) -> Option<String> {
    raw.id
        .as_deref()
        .map(|id| clip(id.trim(), MAX_IDENTITY))
        .filter(|id| !id.is_empty())
}

/// A scanned entry's page, resolved against `base`, as [`convert_raw`] sets it.
fn raw_url(raw: &lenient::RawEntry, base: &Url) -> Option<String> {
    let links: Vec<(String, Option<String>)> = raw
        .links
        .iter()
        .filter_map(|(href, rel)| Some((base.join(href.trim()).ok()?.to_string(), rel.clone())))
        .collect();
    pick_link(links.iter().map(|(h, r)| (h.as_str(), r.as_deref()))).map(|u| clip(&u, MAX_IDENTITY))
}

/// A scanned entry's title text, as [`convert_raw`] sets it.
fn raw_title(raw: &lenient::RawEntry) -> String {
    raw.title
        .as_deref()
        .map(|t| clip(&fragment_text(t), MAX_TITLE))
        .unwrap_or_default()
}

/// Entries the tolerant scanner found that the strict parse lacks, matched on guid, link
/// or title, so a feed-rs result is only ever added to. The scanner reads every document,
/// and nearly always finds the same entries: each is dismissed on its first known key,
/// and only a missing one is converted whole.
fn missing_from(strict: &[Item], found: Vec<lenient::RawEntry>, base: &Url) -> Vec<Item> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut known: [HashSet<String>; 3] = Default::default();
    for item in strict {
        known[0].extend(item.guid.iter().cloned());
        known[1].extend(item.url.iter().cloned());
        if !item.title.is_empty() {
            known[2].insert(item.title.clone());
        }
    }
    let mut extra = Vec::new();
    for raw in found {
        let guid = raw_guid(&raw);
        if guid.as_ref().is_some_and(|g| known[0].contains(g)) {
            continue;
        }
        let url = raw_url(&raw, base);
        if url.as_ref().is_some_and(|u| known[1].contains(u)) {
            continue;
        }
        let title = Some(raw_title(&raw)).filter(|t| !t.is_empty());
        if title.as_ref().is_some_and(|t| known[2].contains(t)) {
            continue;
        }
        if guid.is_none() && url.is_none() && title.is_none() {
            continue;
        }
        for (set, key) in known.iter_mut().zip([guid, url, title]) {
            set.extend(key);
        }
        extra.push(convert_raw(raw, base));
    }
    extra
}

/// A date as feeds write them: RFC 822/2822, RFC 3339, or a bare date or local time (UTC).
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc2822(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The channel's `<ttl>` in minutes, for documents only the tolerant scanner could read.
fn rss_ttl(text: &str) -> Option<Duration> {
    let head = &text[..floor_boundary(text, 16 * 1024)];
    let start = head.find("<ttl>")? + "<ttl>".len();
    let end = start + head[start..].find('<')?;
    let minutes: u64 = head[start..end].trim().parse().ok().filter(|m| *m > 0)?;
    Some(Duration::from_secs(minutes.saturating_mul(60)))
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Text of a title or summary. The HTML parser checks scope over the whole stack of open
/// elements for each tag, so thousands of nested tags cost quadratic time; a fragment with
/// that many tags is junk, and its tags are dropped by a linear scan first.
fn fragment_text(fragment: &str) -> String {
    if fragment.bytes().filter(|&b| b == b'<').count() <= MAX_FRAGMENT_TAGS {
        return html_to_text(fragment);
    }
    let mut out = String::with_capacity(fragment.len().min(MAX_SUMMARY * 4));
    let mut rest = fragment;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = rest[open..]
            .find('>')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    html_to_text(&out.replace('<', " "))
}

/// The title a reader shows: the entry's own, or, when that has no words (a title that is
/// only a picture's markup), the summary's first sentence, else words from the link's last
/// path segment ("…/bridge-closed-for-repairs" → "bridge closed for repairs").
fn shown_title(title: String, summary: &str, url: Option<&str>) -> String {
    if title.chars().any(char::is_alphanumeric) {
        return title;
    }
    if summary.chars().any(char::is_alphanumeric) {
        return first_sentence(summary);
    }
    url.and_then(link_words).unwrap_or(title)
}

/// The text up to its first sentence end, or its first words up to [`MAX_MADE_TITLE`].
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .zip(text.chars().skip(1).chain([' ']))
        .find(|((_, c), next)| matches!(c, '.' | '!' | '?') && next.is_whitespace())
        .map(|((at, c), _)| at + c.len_utf8());
    match end {
        Some(end) if text[..end].chars().count() <= MAX_MADE_TITLE => text[..end].to_string(),
        _ => {
            let mut out = String::new();
            for word in text.split_whitespace() {
                if out.chars().count() + word.chars().count() + 1 > MAX_MADE_TITLE {
                    break;
                }
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
            if out.is_empty() {
                clip(text, MAX_MADE_TITLE)
            } else {
                out
            }
        }
    }
}

/// Words from a link's last path segment, without its file extension.
fn link_words(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    let stem = segment
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .map_or(&*segment, |(stem, _)| stem);
    let words: Vec<&str> = stem
        .split(|c: char| c == '-' || c == '_' || c == '+' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    // A bare id ("12345", "a1b2c3") says nothing a reader could use.
    let wordy = words
        .iter()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3);
    wordy.then(|| clip(&words.join(" "), MAX_MADE_TITLE))
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feeds/world.xml").unwrap()
    }

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title><ttl>30</ttl>
<item><title>Flood &amp; fire: &lt;b&gt;update&lt;/b&gt;</title><link>/a/1</link>
<guid isPermaLink="false">id-1</guid><description>&lt;p&gt;Water &lt;em&gt;rose&lt;/em&gt;.&lt;/p&gt;</description>
<pubDate>Tue, 02 Apr 2030 10:00:00 -0400</pubDate></item>
<item><title>No guid</title><link>https://news.example/a/2</link></item>
</channel></rss>"#;

    #[test]
    fn a_wordless_title_is_made_from_the_summary_or_the_link() {
        let made = |summary: &str, url: Option<&str>| shown_title(String::new(), summary, url);
        assert_eq!(made("Roads shut. More later.", None), "Roads shut.");
        assert_eq!(made("v1.2 ships today", None), "v1.2 ships today");
        let long = "word ".repeat(100);
        assert!(made(&long, None).chars().count() <= MAX_MADE_TITLE);
        let link = Some("https://n.example/2031/06/caf%C3%A9-reopens.html?x=1");
        assert_eq!(made(" ", link), "café reopens");
        // A bare id tells a reader nothing: the title stays empty (identity uses the link).
        assert_eq!(made("", Some("https://n.example/a/123456")), "");
        assert_eq!(
            shown_title("Own title".into(), "Summary.", link),
            "Own title"
        );
    }

    #[test]
    fn rss_items_are_text_with_absolute_links() {
        let feed = parse(RSS.as_bytes(), &base()).unwrap();
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.title, "Flood & fire: update");
        assert_eq!(first.summary, "Water rose.");
        assert_eq!(first.url.as_deref(), Some("https://news.example/a/1"));
        assert_eq!(first.guid.as_deref(), Some("id-1"));
        assert_eq!(
            first.published.unwrap().to_rfc3339(),
            "2030-04-02T14:00:00+00:00"
        );
        assert_eq!(feed.items[1].guid, None);
        assert_eq!(feed.ttl, Some(Duration::from_secs(1800)));
    }

    #[test]
    fn truncated_feed_keeps_complete_items() {
        let cut = &RSS[..RSS.find("<item><title>No guid").unwrap() + 20];
        let feed = parse(cut.as_bytes(), &base()).unwrap();
        assert_eq!(feed.items.len(), 1);
        assert!(feed.repaired);
    }

    #[test]
    fn odd_rss_version_is_read() {
        let odd = RSS.replace("version=\"2.0\"", "version=\"2.0.1\"");
        assert_eq!(parse(odd.as_bytes(), &base()).unwrap().items.len(), 2);
        let none = RSS.replace(" version=\"2.0\"", "");
        assert_eq!(parse(none.as_bytes(), &base()).unwrap().items.len(), 2);
    }

    #[test]
    fn odd_version_attributes_do_not_panic() {
        for doc in [
            "<rss version=\u{e1}2.0\"><channel></channel></rss>",
            "<rss version=\"2.0.1><channel><title a=\"x\">t</title></channel></rss>",
            "<rss version=",
            "<rss version='0.9'",
        ] {
            let _ = fix_rss_version(doc);
            let _ = parse(doc.as_bytes(), &base());
        }
        assert_eq!(
            fix_rss_version("<rss version='3'><channel/></rss>").as_deref(),
            Some("<rss version=\"2.0\"><channel/></rss>")
        );
    }

    #[test]
    fn html_page_is_a_clear_error() {
        let err = parse(b"<!DOCTYPE html><html><body>hi</body></html>", &base()).unwrap_err();
        assert!(matches!(err, FeedError::Html), "{err}");
        assert!(matches!(parse(b"  ", &base()), Err(FeedError::Empty)));
    }

    #[test]
    fn syndication_hints_are_read() {
        let raw = b"<rss><channel><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>";
        assert_eq!(syndication_period(raw), Some(Duration::from_secs(1800)));
    }

    #[test]
    fn header_charset_decides_only_for_undeclared_non_utf8() {
        let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item>\
                    <title>Caf\u{e9} reopens</title><guid>c-1</guid></item></channel></rss>";
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let served = |body: &[u8], ct: &str| {
            parse_served(body, &base(), Some(ct)).unwrap().items[0]
                .title
                .clone()
        };
        let ct = "application/rss+xml; charset=\"ISO-8859-1\"";
        assert_eq!(served(&latin1, ct), "Caf\u{e9} reopens");
        // Valid UTF-8 wins over a contradicting header.
        assert_eq!(served(text.as_bytes(), ct), "Caf\u{e9} reopens");
        // A declared encoding wins over the header.
        let declared = text.replace("?>", " encoding=\"windows-1251\"?>");
        let cyrillic = declared.replace('\u{e9}', "\u{436}");
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&cyrillic);
        assert_eq!(served(&cp1251, ct), "Caf\u{436} reopens");
        assert!(declares_charset(
            b"  <?xml version='1.0' encoding='koi8-r'?><rss/>"
        ));
        assert!(!declares_charset(
            b"<?xml version='1.0'?><rss encoding='x'/>"
        ));
        assert_eq!(header_charset("text/xml"), None);
        assert_eq!(
            header_charset("text/xml; Charset=latin1"),
            Some(encoding_rs::WINDOWS_1252)
        );
    }

    #[test]
    fn utf16_does_not_panic() {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel></channel></rss>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        let feed = parse(&bytes, &base()).unwrap();
        assert!(feed.items.is_empty());
    }
}

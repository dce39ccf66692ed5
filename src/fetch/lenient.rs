//! A tolerant reader for feeds the strict XML parser refuses: a tag scanner that keeps a
//! stack of open elements, closes forgotten tags when an outer one ends, skips comments,
//! declarations and CDATA, and never fails. It finds RSS `<item>` and Atom `<entry>`
//! elements (any prefix, any case) and their direct children, the way Python's feedparser
//! falls back to its loose parser.
//!
//! It reports raw field text; turning it into an [`Item`](crate::model::Item) is the
//! caller's job, so both parsers share one conversion of titles and summaries.

/// One entry as found: each field is the raw text between its tags (CDATA unwrapped, XML
/// entities decoded, any markup kept for the caller to reduce to text).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct RawEntry {
    /// `<title>`.
    pub title: Option<String>,
    /// `<guid>` or `<id>`.
    pub id: Option<String>,
    /// Every `<link>`: its `href` (Atom) or text (RSS), with its `rel`.
    pub links: Vec<(String, Option<String>)>,
    /// `<description>` or `<summary>`.
    pub summary: Option<String>,
    /// `<content>` or `<content:encoded>`.
    pub content: Option<String>,
    /// `<pubDate>`, `<published>`, `<dc:date>`, `<issued>`, `<created>`.
    pub published: Option<String>,
    /// `<updated>`, `<modified>`, `<dcterms:modified>`.
    pub updated: Option<String>,
}

/// What the scanner found in a document.
#[derive(Debug, Clone, Default)]
pub(super) struct Scan {
    /// Entries in document order, at most the requested number.
    pub entries: Vec<RawEntry>,
    /// Whether an `<rss>`, `<feed>`, `<rdf:RDF>` or `<channel>` element was seen.
    pub feed_root: bool,
}

/// Deepest stack of open elements kept; deeper opening tags are read as text, so deeply
/// nested junk costs linear time.
const MAX_DEPTH: usize = 256;

struct Frame {
    /// Lowercased name as written, with its prefix: what a closing tag must match.
    name: String,
    /// Byte offset just after the opening tag.
    content_start: usize,
    /// The opening tag's attributes, raw.
    attributes: String,
}

/// Scans `text` for at most `max_entries` entries.
pub(super) fn scan(text: &str, max_entries: usize) -> Scan {
    let mut scanner = Scanner {
        text,
        stack: Vec::new(),
        entry_depth: None,
        entry: RawEntry::default(),
        out: Scan::default(),
        max_entries,
    };
    scanner.run();
    scanner.out
}

struct Scanner<'a> {
    text: &'a str,
    stack: Vec<Frame>,
    /// Stack index of the open entry element, if one is open.
    entry_depth: Option<usize>,
    entry: RawEntry,
    out: Scan,
    max_entries: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() && self.out.entries.len() < self.max_entries {
            let Some(offset) = memchr::memchr(b'<', &bytes[pos..]) else {
                break;
            };
            let at = pos + offset;
            let rest = &text[at..];
            pos = if rest.starts_with("<!--") {
                skip_past(text, at + 4, "-->")
            } else if rest.starts_with("<![CDATA[") {
                // An unclosed CDATA section is taken as text, so what follows is still read.
                match text[at + 9..].find("]]>") {
                    Some(end) => at + 9 + end + 3,
                    None => at + 9,
                }
            } else if rest.starts_with("<?") {
                skip_past(text, at + 2, "?>")
            } else if rest.starts_with("<!") {
                skip_declaration(bytes, at + 2)
            } else if let Some(name_rest) = rest.strip_prefix("</") {
                let name_len = name_length(name_rest);
                let end = tag_end(bytes, at + 2 + name_len);
                if name_len > 0 {
                    let name = name_rest[..name_len].to_ascii_lowercase();
                    self.close(&name, at);
                }
                end
            } else {
                let name_len = name_length(&rest[1..]);
                if name_len == 0 {
                    at + 1 // a bare '<' in text
                } else {
                    let name = rest[1..1 + name_len].to_ascii_lowercase();
                    let end = tag_end(bytes, at + 1 + name_len);
                    let inner_end = if bytes.get(end.wrapping_sub(1)) == Some(&b'>') {
                        end - 1
                    } else {
                        end
                    };
                    let inner = &text[at + 1 + name_len..inner_end];
                    let self_closing = inner.ends_with('/');
                    let attributes = inner.trim_end_matches('/').to_string();
                    self.open(name, attributes, at, end, self_closing);
                    end
                }
            };
        }
        // A document cut short: keep the open entry only if it can be told apart later.
        if self.entry_depth.is_some() && self.out.entries.len() < self.max_entries {
            let entry = std::mem::take(&mut self.entry);
            if entry.id.is_some() || !entry.links.is_empty() {
                self.out.entries.push(entry);
            }
        }
    }

    fn open(
        &mut self,
        name: String,
        attributes: String,
        tag_start: usize,
        content_start: usize,
        self_closing: bool,
    ) {
        let local = local_name(&name);
        if matches!(local, "rss" | "feed" | "rdf" | "channel") {
            self.out.feed_root = true;
        }
        if matches!(local, "item" | "entry") {
            // An entry opened inside another one means the first was never closed.
            if let Some(depth) = self.entry_depth {
                self.pop_to(depth, tag_start);
            }
            self.entry_depth = Some(self.stack.len());
            self.entry = RawEntry::default();
            self.stack.push(Frame {
                name,
                content_start,
                attributes,
            });
            if self_closing {
                self.pop_to(self.stack.len() - 1, content_start);
            }
            return;
        }
        let frame = Frame {
            name,
            content_start,
            attributes,
        };
        if self_closing {
            self.field(&frame, "");
        } else if self.stack.len() < MAX_DEPTH {
            self.stack.push(frame);
        }
    }

    /// A closing tag at byte `at`: pops to the matching open element, or ignores a stray.
    fn close(&mut self, name: &str, at: usize) {
        if let Some(index) = self.stack.iter().rposition(|f| f.name == name) {
            self.pop_to(index, at);
        }
    }

    /// Pops frames down to and including `index`, treating each as ended at byte `end`.
    fn pop_to(&mut self, index: usize, end: usize) {
        while self.stack.len() > index {
            let Some(frame) = self.stack.pop() else {
                break;
            };
            let depth = self.stack.len();
            if Some(depth) == self.entry_depth {
                self.entry_depth = None;
                let entry = std::mem::take(&mut self.entry);
                if self.out.entries.len() < self.max_entries {
                    self.out.entries.push(entry);
                }
            } else {
                let start = frame.content_start.min(end);
                let inner = self.text.get(start..end).unwrap_or("");
                self.field(&frame, inner);
            }
        }
    }

    /// Records a direct child of the open entry.
    fn field(&mut self, frame: &Frame, inner: &str) {
        let Some(depth) = self.entry_depth else {
            return;
        };
        // Direct children only: a nested `<source><title>` is not the entry's title.
        if self.stack.len() != depth + 1 {
            return;
        }
        let entry = &mut self.entry;
        let set = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(field_text(inner));
            }
        };
        match local_name(&frame.name) {
            "title" => set(&mut entry.title),
            "guid" | "id" => set(&mut entry.id),
            "description" | "summary" => set(&mut entry.summary),
            "content" | "encoded" => set(&mut entry.content),
            "pubdate" | "published" | "date" | "issued" | "created" => set(&mut entry.published),
            "updated" | "modified" => set(&mut entry.updated),
            "link" => {
                let rel = attribute(&frame.attributes, "rel");
                let href = attribute(&frame.attributes, "href")
                    .unwrap_or_else(|| field_text(inner).trim().to_string());
                if !href.is_empty() && entry.links.len() < 32 {
                    entry.links.push((href, rel));
                }
            }
            _ => {}
        }
    }
}

/// The name after any namespace prefix.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Length of the tag name at the start of `rest`, zero if it does not start with one.
fn name_length(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
        .map_or(rest.len(), |(i, _)| i)
}

/// The offset just after the `>` ending the tag whose attributes start at `from`. Quotes are
/// honoured, but a `<` outside quotes ends a tag that forgot its `>`, and so does the end.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'>' => return i + 1,
                b'<' => return i,
                _ => {}
            },
        }
        // An unbalanced quote must not swallow the rest of the document.
        if quote.is_some() && b == b'\n' && i > from + 2048 {
            quote = None;
        }
        i += 1;
    }
    bytes.len()
}

fn skip_past(text: &str, from: usize, end: &str) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find(end))
        .map_or(text.len(), |p| from + p + end.len())
}

/// Skips `<!DOCTYPE … [ internal subset ] >` and other declarations.
fn skip_declaration(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// An attribute's value (quoted or not), XML entities decoded.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let lower = attributes.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = attributes[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(|c: char| c.is_whitespace()).next().unwrap_or(""),
        };
        return Some(decode_entities(value).trim().to_string());
    }
    None
}

/// The text of a field: CDATA sections taken literally, XML character references and the
/// five XML entities decoded elsewhere; other named entities and any markup are left for
/// the HTML-to-text step.
fn field_text(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(start) = rest.find("<![CDATA[") {
        out.push_str(&decode_entities(&rest[..start]));
        let body = &rest[start + 9..];
        match body.find("]]>") {
            Some(end) => {
                out.push_str(&body[..end]);
                rest = &body[end + 3..];
            }
            None => {
                out.push_str(body);
                rest = "";
            }
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

/// Decodes `&lt; &gt; &amp; &quot; &apos;` and numeric references; leaves anything else.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| *c != '\0')?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_items_through_breakage() {
        let doc = "<rss><channel><item><title>One &amp; <b>two</title><link>https://a.example/1</link>\
                   <description><p>Raw <br> html</description></item>\
                   <ITEM><TITLE>Loud</TITLE><guid isPermaLink=false>g2</guid></ITEM>\
                   <item><title><![CDATA[Three <x> & more]]></title><link>https://a.example/3</link><description>cu";
        let scan = scan(doc, 100);
        assert!(scan.feed_root);
        assert_eq!(scan.entries.len(), 3);
        assert_eq!(scan.entries[0].title.as_deref(), Some("One & <b>two"));
        assert_eq!(scan.entries[0].summary.as_deref(), Some("<p>Raw <br> html"));
        assert_eq!(scan.entries[1].id.as_deref(), Some("g2"));
        // The cut-off third entry is kept: its link closed before the break.
        assert_eq!(scan.entries[2].title.as_deref(), Some("Three <x> & more"));
    }

    #[test]
    fn truncated_entry_without_identity_is_dropped() {
        let scan = scan("<feed><entry><title>Cut</title><summary>partial", 10);
        assert!(scan.entries.is_empty());
        let scan = super::scan("<feed><entry><id>x</id><title>Cut", 10);
        assert_eq!(scan.entries.len(), 1);
    }

    #[test]
    fn atom_links_and_nested_titles() {
        let doc = r#"<feed><entry><source><title>Other feed</title></source>
            <link rel="self" href="https://a.example/self"/><link href='https://a.example/e?a=1&amp;b=2'/>
            <title type="html">Real</title><id>tag:a</id></entry></feed>"#;
        let entry = &scan(doc, 5).entries[0];
        assert_eq!(entry.title.as_deref(), Some("Real"));
        assert_eq!(entry.links[1].0, "https://a.example/e?a=1&b=2");
        assert_eq!(entry.links[0].1.as_deref(), Some("self"));
    }

    #[test]
    fn comments_and_declarations_are_skipped() {
        let doc = "<!DOCTYPE rss [<!ENTITY x \"<item>\">]><!-- <item><title>no</title></item> -->\
                   <rss><item><title>yes</title><guid>1</guid></item></rss>";
        let scan = scan(doc, 5);
        assert_eq!(scan.entries.len(), 1);
        assert_eq!(scan.entries[0].title.as_deref(), Some("yes"));
    }

    #[test]
    fn entry_count_is_bounded() {
        let doc = "<item><guid>a</guid></item>".repeat(50);
        assert_eq!(scan(&doc, 7).entries.len(), 7);
    }

    #[test]
    fn entities_decode_once_and_bare_ampersands_survive() {
        assert_eq!(
            decode_entities("a &amp;lt; b & c &#233;&#x41; &nbsp;"),
            "a &lt; b & c éA &nbsp;"
        );
        assert_eq!(
            decode_entities("&#0; &#xFFFFFFFF; &"),
            "&#0; &#xFFFFFFFF; &"
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for doc in [
            "<",
            "</",
            "<a",
            "<item",
            "<item/>",
            "<![CDATA[",
            "<!--",
            "<?",
            "<!",
            "<a b='",
            "é<é>é</é>",
            "<item><link href=\"é",
            "&#",
        ] {
            let _ = scan(doc, 10);
        }
    }
}

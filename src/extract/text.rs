//! HTML fragments (feed titles and summaries) reduced to one line of plain text.

use scraper::{Html, Node};

/// Most input bytes read from one fragment; feeds' summaries are short, junk is not.
const MAX_INPUT: usize = 256 * 1024;

/// Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed,
/// block boundaries kept as spaces. Literal entities that feed parsers leave (`&nbsp;`) are
/// decoded too.
pub fn html_to_text(fragment: &str) -> String {
    let fragment = match fragment.char_indices().nth(MAX_INPUT) {
        Some((cut, _)) => &fragment[..cut],
        None => fragment,
    };
    if !fragment.contains(['<', '&']) {
        return collapse(fragment);
    }
    let html = Html::parse_fragment(&super::nesting::bound(fragment));
    let mut out = String::with_capacity(fragment.len());
    for node in html.tree.root().descendants() {
        match node.value() {
            Node::Text(text) => {
                let skipped = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
                });
                if !skipped {
                    out.push_str(text);
                }
            }
            Node::Element(e) if is_block(e.name()) => out.push(' '),
            _ => {}
        }
    }
    collapse(&out)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "tr"
            | "td"
            | "th"
            | "figcaption"
            | "section"
            | "article"
    )
}

/// Collapses whitespace runs (including no-break spaces) to single spaces and trims, and
/// drops control characters.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII needs no decoding: every feed title and summary passes through here.
        let (c, len) = if b.is_ascii() {
            (char::from(b), 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        i += len;
        if c.is_whitespace() || c == '\u{a0}' {
            space = !out.is_empty();
        } else if c.is_control() {
            continue;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            if len == 1 {
                out.push(c);
            } else {
                out.push_str(&text[i - len..i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_entities_become_text() {
        assert_eq!(
            html_to_text("<p>Rain &amp; <b>wind</b></p><p>Next</p>"),
            "Rain & wind Next"
        );
        assert_eq!(html_to_text("A&nbsp;B &eacute;t&eacute;"), "A B été");
        assert_eq!(html_to_text("x<script>alert(1)</script>y"), "xy");
        assert_eq!(html_to_text("  plain\n text "), "plain text");
        assert_eq!(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
    }
}

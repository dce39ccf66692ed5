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
        // Every feed title and summary passes through here: runs of plain ASCII are copied
        // whole, and only other chars are decoded.
        let b = bytes[i];
        if b.is_ascii() {
            if is_ascii_space(b) {
                space = !out.is_empty();
                i += 1;
                continue;
            }
            if b.is_ascii_control() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len()
                && bytes[i].is_ascii()
                && !is_ascii_space(bytes[i])
                && !bytes[i].is_ascii_control()
            {
                i += 1;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(&text[start..i]);
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() || c == '\u{a0}' {
            space = !out.is_empty();
        } else if c.is_control() {
            continue;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// ASCII whitespace as `char::is_whitespace` counts it (vertical tab included).
fn is_ascii_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0b
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
        assert_eq!(collapse("\u{b}a\u{1}b \t\u{2003}c\u{85}d\u{7f} "), "ab c d");
    }
}

//! A bound on element nesting, applied to HTML before html5ever builds a tree from it.
//!
//! html5ever's tree builder checks "is there a `p` in button scope" (and similar) for every
//! start tag of a block such as `<div>`, and each check walks the stack of open elements: a
//! page of 20,000 nested `<div>`s took 7.5 s to parse in a debug build, 40,000 four times
//! that. Real pages nest a few dozen deep. So tags past [`MAX_DEPTH`] are dropped (their
//! text is kept) in one linear pass over the markup, which keeps the stack, and so every
//! check, short.

use std::borrow::Cow;

/// Deepest nesting of elements kept; deeper start tags and their end tags are dropped.
pub const MAX_DEPTH: usize = 256;

/// `html` with start tags nested deeper than [`MAX_DEPTH`] (and their end tags) removed;
/// borrowed unchanged when nothing is that deep, which is every ordinary page.
///
/// Depth is counted as markup shows it: void elements, self-closing tags and elements
/// whose end tag may be left out (`p`, `li`, `td`, …) do not count, and comments and the
/// text of `script`, `style` and the like are skipped, so a sloppy page never reads deeper
/// than it is.
pub fn bound(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    // Per open counted element: whether its tags are kept.
    let mut open: Vec<bool> = Vec::new();
    let mut kept_depth = 0usize;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = html.get(i..).and_then(|rest| rest.find('<')) {
        let start = i + off;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_at = start + 1 + usize::from(closing);
        let name_len = bytes[name_at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let Some(end) = tag_end(bytes, name_at + name_len) else {
            break;
        };
        let name = html[name_at..name_at + name_len].to_ascii_lowercase();
        i = end + 1;
        if uncounted(&name) {
            continue;
        }
        if closing {
            match open.pop() {
                Some(true) => kept_depth -= 1,
                Some(false) => cuts.push((start, end + 1)),
                None => {}
            }
            continue;
        }
        if bytes[end - 1] == b'/' {
            continue;
        }
        if raw_text(&name) {
            // Its content is text up to its own end tag, whatever it looks like.
            let close = format!("</{name}");
            i = find_ignore_case(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        let keep = kept_depth < MAX_DEPTH;
        if keep {
            kept_depth += 1;
        } else {
            cuts.push((start, end + 1));
        }
        open.push(keep);
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (start, end) in cuts {
        out.push_str(&html[from..start]);
        from = end;
    }
    out.push_str(&html[from..]);
    Cow::Owned(out)
}

/// Where the tag whose name ends at `from` closes (`>` outside quoted attribute values).
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (k, &b) in bytes.get(from..)?.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(from + k),
            _ => {}
        }
    }
    None
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|k| from + k)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|k| from + k)
}

/// Elements that never nest by their tags: void ones and those whose end tag is optional
/// (a new one closes the last).
fn uncounted(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "option"
            | "optgroup"
            | "rp"
            | "rt"
            | "html"
            | "head"
            | "body"
            | "colgroup"
            | "caption"
    )
}

/// Elements whose content is raw text, not markup.
fn raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_markup_is_borrowed_unchanged() {
        let html = "<html><body><div class=\"a>b\"><p>One<p>Two<br><img src=x/>\
                    <script>if (a<b) { '<div>' }</script><!-- <div> --></div></body></html>";
        assert!(matches!(bound(html), Cow::Borrowed(_)));
        let many_paragraphs = "<p>x".repeat(10 * MAX_DEPTH);
        assert!(matches!(bound(&many_paragraphs), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_bound_keeping_the_text() {
        let depth = 3 * MAX_DEPTH;
        let html = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let out = bound(&html);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep text"));
        // Unclosed and stray tags stay bounded too.
        let unclosed = "<section>".repeat(depth);
        assert_eq!(bound(&unclosed).matches("<section>").count(), MAX_DEPTH);
        let stray = "</div>".repeat(depth);
        assert!(matches!(bound(&stray), Cow::Borrowed(_)));
    }
}

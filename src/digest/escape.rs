//! Making text from feeds and pages safe for the form it goes into: a terminal or plain mail
//! (no control characters or escape sequences), a CSV cell (no formulas), Markdown (no
//! markup, no links of its own) and HTML (escaped, links only to http and https). The one
//! place output is escaped: the digest and the CLI both use it.

/// Strips control characters and escape sequences so a title cannot rewrite the terminal.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip an ANSI sequence: ESC [ ... final byte, or ESC and one char.
            if chars.peek() == Some(&'[') {
                chars.next();
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else if c.is_control() || ('\u{80}'..='\u{9f}').contains(&c) {
            if c == '\n' || c == '\t' {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A CSV cell that spreadsheets will not run as a formula.
pub fn csv_safe(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{clean}"),
        _ => clean,
    }
}

/// One line of plain text: no control characters, escape sequences or line breaks.
pub fn single_line(text: &str) -> String {
    let clean = terminal_safe(text);
    let mut out = String::with_capacity(clean.len());
    for word in clean.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Plain text, on one line.
pub fn text(text: &str) -> String {
    single_line(text)
}

/// Markdown text that renders as exactly these characters: every character with an inline
/// meaning escaped (the digest never puts feed text at a line start, where `-` or `1.`
/// would matter), and addresses broken so that no renderer turns them into links.
pub fn markdown(text: &str) -> String {
    let line = single_line(text);
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '#'
                | '|'
                | '!'
                | '~'
                | '&'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // GitHub-flavoured renderers autolink "www." and "scheme://" inside plain text even
    // when escaped; a zero-width joiner keeps the text identical to the eye but unlinked.
    out.replace("://", ":\u{2060}//")
        .replace("www.", "www\u{2060}.")
        .replace("WWW.", "WWW\u{2060}.")
}

/// A link target for Markdown: an http(s) URL with every character that could end or
/// break the target percent-encoded; `None` for anything else (javascript:, data:, …).
pub fn markdown_url(url: &str) -> Option<String> {
    let safe = http_url(url)?;
    Some(
        safe.chars()
            .map(|c| match c {
                '(' => "%28".to_string(),
                ')' => "%29".to_string(),
                '<' => "%3C".to_string(),
                '>' => "%3E".to_string(),
                ' ' => "%20".to_string(),
                '[' => "%5B".to_string(),
                ']' => "%5D".to_string(),
                '\\' => "%5C".to_string(),
                '`' => "%60".to_string(),
                '*' => "%2A".to_string(),
                '_' => "%5F".to_string(),
                c => c.to_string(),
            })
            .collect(),
    )
}

/// HTML text or attribute value.
pub fn html(text: &str) -> String {
    let line = single_line(text);
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An http(s) URL as the url crate serialises it (no spaces, quotes or angle brackets
/// left raw); `None` for any other scheme or an unparsable text.
pub fn http_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_markup_as_text() {
        let out = markdown("[x](javascript:alert(1)) **bold** <script>alert(1)</script>");
        assert!(!out.contains("[x]("), "{out}");
        assert!(
            out.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"),
            "{out}"
        );
        assert!(out.contains("\\*\\*bold\\*\\*"), "{out}");
        assert!(out.contains("\\<script\\>"), "{out}");
        assert_eq!(markdown("# 5 | 6 !"), "\\# 5 \\| 6 \\!");
    }

    #[test]
    fn markdown_breaks_bare_addresses() {
        let out = markdown("see https://evil.example and www.evil.example");
        assert!(!out.contains("://"), "{out}");
        assert!(!out.contains("www."), "{out}");
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(markdown_url("javascript:alert(1)"), None);
        assert_eq!(markdown_url("data:text/html,hi"), None);
        assert_eq!(
            markdown_url("https://a.example/x_(y)").as_deref(),
            Some("https://a.example/x%5F%28y%29")
        );
        assert_eq!(
            http_url(" https://a.example/\"><b> ").as_deref(),
            Some("https://a.example/%22%3E%3Cb%3E")
        );
    }

    #[test]
    fn html_escapes_everything() {
        assert_eq!(
            html("<script>alert('1')</script> & \"x\""),
            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;x&quot;"
        );
    }

    #[test]
    fn text_drops_escape_sequences_and_breaks() {
        assert_eq!(
            single_line("a\u{1b}[31mred\u{1b}[0m\nnext\r\n  line"),
            "ared next line"
        );
    }
}

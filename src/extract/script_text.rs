//! Finds article prose inside application-state scripts (`__NEXT_DATA__`, `window.__NUXT__`
//! and the like) for pages that render their text only with JavaScript.

/// Scripts longer than this are only read up to it.
const MAX_SCRIPT_BYTES: usize = 4 << 20;
/// String literals shorter than this are labels, ids or teasers, not body text.
const MIN_PROSE_CHARS: usize = 60;

/// The prose string literals of the scripts, in order, without repeats; each may hold HTML.
pub(crate) fn prose_strings(scripts: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for script in scripts {
        let end = script.floor_char_boundary(MAX_SCRIPT_BYTES);
        for s in string_literals(&script[..end]) {
            if looks_like_prose(&s) && seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    out
}

/// Decodes every JavaScript/JSON string literal of at least the prose length.
fn string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' && c != '\'' && c != '`' {
            continue;
        }
        let quote = c;
        let mut s = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t' | 'r') => s.push(' '),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                        let Ok(unit) = u32::from_str_radix(&hex, 16) else {
                            continue;
                        };
                        if (0xD800..0xDC00).contains(&unit) {
                            // A surrogate pair arrives as two escapes.
                            let mut low = None;
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                                if chars.next() == Some('u') {
                                    let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                                    low = u32::from_str_radix(&hex, 16).ok();
                                }
                            }
                            if let Some(low) = low.filter(|l| (0xDC00..0xE000).contains(l)) {
                                let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                s.extend(char::from_u32(cp));
                            }
                        } else {
                            s.extend(char::from_u32(unit));
                        }
                    }
                    Some('x') => {
                        let hex: String = (0..2).filter_map(|_| chars.next()).collect();
                        if let Ok(b) = u32::from_str_radix(&hex, 16) {
                            s.extend(char::from_u32(b));
                        }
                    }
                    Some(other) => s.push(other),
                    None => break,
                },
                c if c == quote => {
                    closed = true;
                    break;
                }
                // An unescaped newline ends a broken literal in JS; resynchronise there.
                '\n' if quote != '`' => break,
                c => s.push(c),
            }
        }
        if closed && s.len() >= MIN_PROSE_CHARS {
            out.push(s);
        }
    }
    out
}

/// True for sentences written for people, not code, URLs or CSS.
fn looks_like_prose(s: &str) -> bool {
    let t = s.trim();
    if t.chars().count() < MIN_PROSE_CHARS || t.starts_with("http") || t.starts_with('{') {
        return false;
    }
    let words = t.split_whitespace().count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let total = t.chars().count().max(1);
    let codey = ["function", "=>", "var ", "px;", "{\"", "\":"]
        .iter()
        .any(|m| t.contains(m));
    words >= 8 && letters * 10 >= total * 6 && !codey
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_prose_in_next_data_and_js_state() {
        let next = r#"{"props":{"pageProps":{"id":"a1b2","story":{"body":[{"type":"p","text":"The harbour authority said on Monday that the new pier would open in May, a month late."},{"type":"p","text":"Fishermen welcomed the news, although several said the delay had cost them the spring season."}]}}}}"#;
        let nuxt = r#"window.__NUXT__=(function(a){return {x:'Residents of the valley were told to boil their water until further notice after heavy rain.'}}(1));"#;
        let found = prose_strings(&[next.to_owned(), nuxt.to_owned()]);
        assert_eq!(found.len(), 3);
        assert!(found[0].starts_with("The harbour authority"));
        assert!(found[2].starts_with("Residents"));
    }

    #[test]
    fn decodes_escapes() {
        let found = prose_strings(&[r#"x = "Caf\u00e9 owners in the old town say \"footfall\" has fallen by half since the road closed in June.";"#.to_owned()]);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("Café owners"));
        assert!(found[0].contains("\"footfall\""));
    }
}

//! Text normalisation for matching names: one canonical form for every script, with a map back to the original.
//!
//! The form is: compatibility-decomposed (NFKD, so NFKC-equivalent inputs agree), combining marks
//! stripped (diacritics), lowercased, every run of whitespace, hyphens, dashes and underscores
//! collapsed to one space, and curly quotes and apostrophes folded to ASCII. Names and texts go
//! through the same function, so matching is a byte comparison of normalised forms.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A normalised text and anchors that map its offsets back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `(normalised offset, original offset)` wherever the two stop advancing together; sparse,
    /// because most text copies byte for byte and a dense map would cost 4 bytes per byte.
    anchors: Vec<(u32, u32)>,
}

impl Normalized {
    /// The original byte offset (on a char boundary of `original`) for a normalised byte offset.
    pub fn original(&self, i: usize, original: &str) -> usize {
        let i32_ = u32::try_from(i).unwrap_or(u32::MAX);
        let k = self.anchors.partition_point(|a| a.0 <= i32_);
        let o = match k.checked_sub(1).and_then(|k| self.anchors.get(k)) {
            Some(&(n, o)) => o as usize + (i - n as usize),
            None => i,
        };
        // Inside a char whose folded form is longer than the original, stay within the char.
        let cap = self.anchors.get(k).map_or(original.len(), |a| a.1 as usize);
        let mut o = o.min(cap).min(original.len());
        while o > 0 && !original.is_char_boundary(o) {
            o -= 1;
        }
        o
    }
}

fn is_sep(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' | '\u{00AD}'
        )
}

fn is_dropped(c: char) -> bool {
    // Zero-width and bidi format chars hide inside names copied from the web.
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}'
    ) || is_combining_mark(c)
}

fn fold_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`'
        | '\u{00B4}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => Some('"'),
        _ => None,
    }
}

/// Builds the normalised text, recording an anchor whenever the offsets stop moving together.
struct Builder {
    out: Vec<u8>,
    anchors: Vec<(u32, u32)>,
    /// `original - normalised` at the last anchor.
    delta: i64,
    pending_space: bool,
}

impl Builder {
    fn at(&mut self, orig: usize) {
        let d = orig as i64 - self.out.len() as i64;
        if d != self.delta {
            self.delta = d;
            let n = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
            self.anchors
                .push((n, u32::try_from(orig).unwrap_or(u32::MAX)));
        }
    }

    fn space(&mut self, orig: usize) {
        if self.pending_space {
            self.at(orig);
            self.out.push(b' ');
            self.pending_space = false;
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    /// Emits one non-ASCII char that is not a separator.
    fn fold(&mut self, c: char, orig: usize) {
        if let Some(q) = fold_quote(c) {
            self.space(orig);
            self.at(orig);
            self.push_char(q);
            return;
        }
        // Basic Cyrillic (А..я without Й/й) has no decomposition: lowercase by offset, skip the tables.
        if ('\u{0410}'..='\u{044F}').contains(&c) && c != '\u{0419}' && c != '\u{0439}' {
            self.space(orig);
            self.at(orig);
            let l = if c <= '\u{042F}' {
                char::from_u32(c as u32 + 32).unwrap_or(c)
            } else {
                c
            };
            self.push_char(l);
            return;
        }
        let mut first = true;
        decompose_compatible(c, |d| {
            if is_dropped(d) {
                return;
            }
            if is_sep(d) {
                self.pending_space = !self.out.is_empty();
                return;
            }
            self.space(orig);
            if first {
                self.at(orig);
                first = false;
            }
            for l in d.to_lowercase() {
                if !is_dropped(l) {
                    self.push_char(l);
                }
            }
        });
    }
}

/// Normalises `text` and keeps the anchors to map offsets back (offsets beyond 4 GiB saturate).
pub fn normalize_mapped(text: &str) -> Normalized {
    let mut b = Builder {
        out: Vec::with_capacity(text.len()),
        anchors: Vec::new(),
        delta: 0,
        pending_space: false,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte < 0x80 {
            // ASCII fast path: most news text is ASCII and this loop sets the scan's speed.
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'_' | 0x0B | 0x0C => {
                    b.pending_space = !b.out.is_empty();
                }
                _ => {
                    if b.pending_space {
                        b.space(i);
                    }
                    if b.delta != i as i64 - b.out.len() as i64 {
                        b.at(i);
                    }
                    b.out.push(if byte == b'`' {
                        b'\''
                    } else {
                        byte.to_ascii_lowercase()
                    });
                }
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if is_sep(c) {
            b.pending_space = !b.out.is_empty();
        } else if !is_dropped(c) {
            b.fold(c, i);
        }
        i += c.len_utf8();
    }
    // Only whole chars were pushed, so this never fails; an empty text is the safe fallback.
    let text = String::from_utf8(b.out).unwrap_or_default();
    Normalized {
        text,
        anchors: b.anchors,
    }
}

/// Normalises `text` (see the module doc); trailing separators are dropped.
pub fn normalize(text: &str) -> String {
    normalize_mapped(text).text
}

/// True for chars that make up words in the normalised form (letters, digits, in any script).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True if a match at `start..end` of normalised `text` starts and ends on word boundaries.
pub fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphen_dash_and_space_variants_agree() {
        let a = normalize("ISIS-K");
        assert_eq!(a, "isis k");
        assert_eq!(normalize("ISIS K"), a);
        assert_eq!(normalize("ISIS\u{2013}K"), a);
        assert_eq!(normalize("ISIS \u{2014} K"), a);
        assert_eq!(normalize("  ISIS\n\nK "), a);
    }

    #[test]
    fn diacritics_and_compatibility_forms_fold() {
        assert_eq!(normalize("Zürich Café"), "zurich cafe");
        assert_eq!(normalize("Zu\u{0308}rich"), "zurich");
        assert_eq!(normalize("Ｔｏｋｙｏ"), "tokyo");
        assert_eq!(normalize("Łódź"), "łodz");
        assert_eq!(normalize("İstanbul"), "istanbul");
    }

    #[test]
    fn cyrillic_lowercases_and_folds() {
        assert_eq!(normalize("Красногорск"), "красногорск");
        assert_eq!(normalize("Йошкар-Ола"), normalize("иошкар ола"));
    }

    #[test]
    fn quotes_fold_and_map_points_back() {
        let orig = "Ana\u{2019}s — café ﬁn";
        let n = normalize_mapped(orig);
        assert_eq!(n.text, "ana's cafe fin");
        let at = n.text.find("cafe").unwrap_or(0);
        assert_eq!(n.original(at, orig), "Ana\u{2019}s — ".len());
        let end = n.original(at + 4, orig);
        assert_eq!(&orig[n.original(at, orig)..end].trim(), &"café");
        let fi = n.text.find("fin").unwrap_or(0);
        assert_eq!(n.original(fi + 1, orig), orig.find('ﬁ').unwrap_or(0));
        assert_eq!(n.original(n.text.len(), orig), orig.len());
    }

    #[test]
    fn boundaries_reject_inner_matches() {
        let t = "the crisis kept";
        let s = t.find("isis").unwrap_or(0);
        assert!(!on_word_boundaries(t, s, s + 4));
        let t = "isis's reach";
        assert!(on_word_boundaries(t, 0, 4));
    }

    #[test]
    fn empty_and_weird_input_do_not_panic() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("---"), "");
        let _ = normalize("\u{FEFF}\u{200B}\u{0301}\u{10FFFF}");
    }
}

//! Feed bytes → UTF-8 text, choosing the encoding the way liberal feed readers do: a
//! byte-order mark, then UTF-16 told by its first bytes, then the XML declaration unless the
//! bytes are plainly UTF-8, then a statistical guess for undeclared legacy bytes.
//!
//! The declaration is removed from the result so the XML parser reads it as the UTF-8 it
//! now is, instead of decoding it a second time.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How far into the document the XML declaration is looked for.
const DECLARATION_WINDOW: usize = 1024;
/// Bytes fed to the charset detector; the first few kilobytes decide as well as the rest.
const DETECTOR_WINDOW: usize = 64 * 1024;

/// The document as UTF-8, with any encoding declaration dropped. Never fails: bytes that do
/// not decode become U+FFFD.
pub(super) fn to_utf8(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return strip_declared_encoding(text);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return strip_declared_encoding(text);
    }
    let declared = declared_encoding(bytes);
    let text = match std::str::from_utf8(bytes) {
        // Valid UTF-8 that is not plain ASCII is UTF-8 whatever the declaration says:
        // legacy single-byte text almost never forms valid multi-byte sequences, while
        // servers that re-encode to UTF-8 and keep the old declaration are common.
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let encoding = match declared {
                Some(encoding) if encoding != UTF_8 => encoding,
                _ => guess(bytes),
            };
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            text
        }
    };
    strip_declared_encoding(text)
}

/// UTF-16 without a BOM, told by `<` and `?` (or any ASCII) interleaved with zero bytes.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [b'<', 0, b, 0, ..] if *b != 0 => Some(UTF_16LE),
        [0, b'<', 0, b, ..] if *b != 0 => Some(UTF_16BE),
        _ => None,
    }
}

/// The `encoding` of the XML declaration, if it names one encoding_rs knows. UTF-16 labels
/// count as none: a declaration readable as ASCII is not UTF-16.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(DECLARATION_WINDOW)];
    let (start, end) = declaration_span(head)?;
    let declaration = &head[start..end];
    let value = attribute_value(declaration, b"encoding")?;
    let encoding = Encoding::for_label(value)?;
    if encoding == UTF_16LE || encoding == UTF_16BE || encoding == encoding_rs::REPLACEMENT {
        return None;
    }
    Some(encoding)
}

/// Where `<?xml … ?>` is, as byte offsets.
fn declaration_span(head: &[u8]) -> Option<(usize, usize)> {
    let start = memchr::memmem::find(head, b"<?xml")?;
    let end = start + memchr::memmem::find(&head[start..], b"?>")? + 2;
    Some((start, end))
}

/// The quoted value of `name=` inside a declaration.
fn attribute_value<'a>(declaration: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = memchr::memmem::find(declaration, name)? + name.len();
    let rest = &declaration[at..];
    let eq = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = rest[eq..].strip_prefix(b"=")?;
    let open = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let quote = *rest.get(open).filter(|q| matches!(q, b'"' | b'\''))?;
    let rest = &rest[open + 1..];
    let close = rest.iter().position(|&b| b == quote)?;
    Some(&rest[..close])
}

/// The likeliest legacy encoding of bytes that are not UTF-8.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(DETECTOR_WINDOW)], true);
    // UTF-8 was ruled out by the caller.
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Drops `encoding="…"` from the XML declaration of already-decoded text, and disarms any
/// later declaration (concatenated documents): quick-xml panics when one names another
/// encoding after it started decoding.
fn strip_declared_encoding(text: Cow<'_, str>) -> Cow<'_, str> {
    let text = strip_first_encoding(text);
    disarm_later_declarations(text)
}

/// Renames every `<?xml` after the first to `<?_xml`, an ordinary processing instruction;
/// the first too unless it lies whole within the window [`strip_first_encoding`] reads and
/// no longer names an encoding (an unclosed or late one would still switch decoders).
fn disarm_later_declarations(text: Cow<'_, str>) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let is_declaration = |at: usize| {
        bytes
            .get(at + 2..at + 5)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"xml"))
    };
    // A substring search, not a byte-by-byte filter: this reads every feed document whole.
    let mut starts = text
        .match_indices("<?")
        .map(|(i, _)| i)
        .filter(|&i| is_declaration(i));
    let Some(first) = starts.next() else {
        return text;
    };
    let head_len = text.floor_char_boundary(DECLARATION_WINDOW);
    let first_is_safe = declaration_span(&bytes[..head_len])
        .is_some_and(|(start, end)| start == first && !text[start..end].contains("encoding"));
    let later: Vec<usize> = (!first_is_safe)
        .then_some(first)
        .into_iter()
        .chain(starts)
        .collect();
    if later.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + later.len());
    let mut from = 0;
    for at in later {
        out.push_str(&text[from..at + 2]);
        out.push('_');
        from = at + 2;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

fn strip_first_encoding(text: Cow<'_, str>) -> Cow<'_, str> {
    let head_len = text.floor_char_boundary(DECLARATION_WINDOW);
    let Some((start, end)) = declaration_span(text[..head_len].as_bytes()) else {
        return text;
    };
    let declaration = &text[start..end];
    let Some(at) = declaration.find("encoding") else {
        return text;
    };
    // Remove through the closing quote of the value; if it is malformed, keep the text.
    let rest = &declaration[at..];
    let Some(open) = rest.find(['"', '\'']) else {
        return text;
    };
    let quote = &rest[open..=open];
    let Some(close) = rest[open + 1..].find(quote) else {
        return text;
    };
    let cut_end = start + at + open + 1 + close + 1;
    let cut_start = start + declaration[..at].trim_end().len();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..cut_start]);
    out.push_str(&text[cut_end..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CYRILLIC: &str = "Новости: мост открыт, движение восстановлено";

    fn cp1251(text: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
    }

    fn doc(declaration: &str) -> String {
        format!("<?xml version=\"1.0\"{declaration}?><rss><title>{CYRILLIC}</title></rss>")
    }

    #[test]
    fn utf8_bytes_declared_legacy_stay_utf8() {
        let text = doc(" encoding=\"windows-1251\"");
        let out = to_utf8(text.as_bytes());
        assert!(out.contains(CYRILLIC), "{out}");
        assert!(!out.contains("encoding"), "declaration kept: {out}");
    }

    #[test]
    fn declared_legacy_bytes_are_decoded() {
        let bytes = cp1251(&doc(" encoding='windows-1251'"));
        assert!(to_utf8(&bytes).contains(CYRILLIC));
    }

    #[test]
    fn undeclared_legacy_bytes_are_guessed() {
        let bytes = cp1251(&doc(""));
        assert!(to_utf8(&bytes).contains(CYRILLIC));
        // Declared UTF-8 but not: the declaration is plainly wrong, so guess as well.
        let bytes = cp1251(&doc(" encoding=\"utf-8\""));
        assert!(to_utf8(&bytes).contains(CYRILLIC));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = doc(" encoding=\"UTF-16\"");
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(to_utf8(&le).contains(CYRILLIC));
        assert!(to_utf8(&be).contains(CYRILLIC));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend_from_slice(&le);
        let out = to_utf8(&bom);
        assert!(out.starts_with("<?xml version=\"1.0\"?>"), "{out}");
    }

    #[test]
    fn later_declarations_are_disarmed() {
        let doc =
            "<?xml version=\"1.0\"?><rss/>\n<?xml version=\"1.0\" encoding=\"koi8-r\"?><rss/>";
        let out = to_utf8(doc.as_bytes());
        assert_eq!(out.matches("<?xml").count(), 1, "{out}");
        assert!(out.contains("<?_xml version"), "{out}");
    }

    #[test]
    fn a_first_declaration_past_the_head_is_disarmed() {
        let doc = format!(
            "{}<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss/>",
            "junk ".repeat(DECLARATION_WINDOW / 4)
        );
        let out = to_utf8(doc.as_bytes());
        assert!(!out.contains("<?xml"), "{out}");
        assert!(out.contains("<?_xml version"), "{out}");
        let early = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss/>";
        assert!(to_utf8(early.as_bytes()).starts_with("<?xml version=\"1.0\"?>"));
    }

    #[test]
    fn an_unclosed_first_declaration_is_disarmed() {
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?\n<rss>{}</rss>\
             <?xml version=\"1.0\" encoding=\"windows-1251\"?>",
            "x".repeat(DECLARATION_WINDOW)
        );
        let out = to_utf8(doc.as_bytes());
        assert!(!out.contains("<?xml"), "{out}");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for bytes in [
            &b""[..],
            b"<?xml",
            b"<?xml encoding=\"",
            b"\xFF",
            b"<\0",
            b"\0<\0",
        ] {
            let _ = to_utf8(bytes);
        }
    }
}

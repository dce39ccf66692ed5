//! Turns the raw bytes of a fetched page into text, choosing the character encoding the way
//! browsers do: byte-order mark, then the Content-Type header, then an in-page `<meta>`
//! declaration, then UTF-8.

use encoding_rs::{Encoding, UTF_8};

/// How far into the page a `<meta charset>` declaration is looked for; the HTML standard
/// says 1024 bytes, but real pages put long comments and scripts first.
const PRESCAN_BYTES: usize = 4096;

/// Decodes page bytes to text; undecodable bytes become U+FFFD, never an error.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = sniff(bytes, content_type);
    // `decode` strips a BOM of the detected encoding and replaces malformed sequences.
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// Picks the encoding of the page: BOM, header, meta declaration, else UTF-8.
pub fn sniff(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if let Some(encoding) = content_type.and_then(charset_param).and_then(label) {
        return encoding;
    }
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    if let Some(encoding) = meta_charset(head) {
        return encoding;
    }
    UTF_8
}

/// Maps a charset label to an encoding; UTF-16 labels in text become UTF-8, as the HTML
/// standard says, because a page that can declare it in ASCII is not UTF-16.
fn label(name: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())?;
    if encoding == encoding_rs::UTF_16BE || encoding == encoding_rs::UTF_16LE {
        return Some(UTF_8);
    }
    if encoding == encoding_rs::REPLACEMENT {
        return None;
    }
    Some(encoding)
}

/// The value of a `charset=` parameter in a Content-Type style string.
fn charset_param(value: &str) -> Option<&str> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = value.get(at + "charset".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// Finds a charset declared by a `<meta charset>` or `<meta http-equiv content>` tag.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    // ASCII-compatible prescan: the declaration itself is always ASCII.
    let text: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                b.to_ascii_lowercase() as char
            } else {
                ' '
            }
        })
        .collect();
    let mut from = 0;
    while let Some(pos) = text[from..].find("<meta") {
        let start = from + pos;
        let end = text[start..].find('>').map_or(text.len(), |e| start + e);
        let tag = &text[start..end];
        if let Some(encoding) = charset_param(tag).and_then(label) {
            return Some(encoding);
        }
        from = end.max(start + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_from_meta() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("<meta charset=\"windows-1251\"><p>Привет, мир</p>");
        assert!(decode(&bytes, None).contains("Привет, мир"));
    }

    #[test]
    fn windows_1251_from_http_equiv_and_header() {
        let html =
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=cp1251\"><p>Дом</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
        assert!(decode(&bytes, None).contains("Дом"));
        let (plain, _, _) = encoding_rs::WINDOWS_1251.encode("<p>Дом</p>");
        assert!(decode(&plain, Some("text/html; charset=\"windows-1251\"")).contains("Дом"));
    }

    #[test]
    fn header_beats_meta_and_bom_beats_header() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("<meta charset=utf-8><p>Дом</p>");
        assert!(decode(&bytes, Some("text/html; charset=windows-1251")).contains("Дом"));
        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend_from_slice("<p>Дом</p>".as_bytes());
        let text = decode(&utf8, Some("text/html; charset=windows-1251"));
        assert!(text.starts_with("<p>Дом"));
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(decode(b"a\xffb", None), "a\u{FFFD}b");
        assert_eq!(decode(b"", Some("charset=")), "");
    }
}

//! The page step: a page's bytes become one page version — the article read from it, the
//! hash that identifies the version, its near-duplicate sketch and the casualty figures it
//! states — computed once, so rounds, re-checks, baselines, `track` and `extract` all see
//! the same reading and nobody extracts figures again for a version already read.
//!
//! CPU-bound (HTML parsing, figure rules): async callers run it on the blocking pool.

use url::Url;

use super::{article, charset, figures};
use crate::model::{Article, Observation, text_hash};
use crate::text::shingles::shingles;

/// One version of a page, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageVersion {
    /// Title, declared times and main text.
    pub article: Article,
    /// Identifies this version: its title, main text and declared time.
    pub hash: String,
    /// Near-duplicate sketch of the main text.
    pub shingles: Vec<u64>,
    /// The casualty figures the version states, one per kind at most.
    pub figures: Vec<Observation>,
}

/// Reads a page from its bytes; `content_type` helps find the charset, `url` is where it
/// came from (for links).
pub fn read(bytes: &[u8], content_type: Option<&str>, url: Option<&Url>) -> PageVersion {
    let text = charset::decode(bytes, content_type);
    let plain = match content_type {
        Some(t) => t
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("text/plain"),
        None => article::looks_plain(&text),
    };
    of_article(if plain {
        article::read_plain(&text)
    } else {
        article::read(&text, url)
    })
}

/// The version of an article already read (a stored one, or one extracted elsewhere).
pub fn of_article(article: Article) -> PageVersion {
    let hash = version_hash(&article);
    let shingles = shingles(&article.text);
    let figures = figures_of(&article);
    PageVersion {
        article,
        hash,
        shingles,
        figures,
    }
}

/// The figures an article states (title used only for kinds its text does not state).
pub fn figures_of(article: &Article) -> Vec<Observation> {
    figures::article_figures(article.title.as_deref().unwrap_or(""), &article.text)
}

/// What identifies a version: a page whose title, text and declared time are unchanged
/// is the same version, whatever its markup or validators did.
fn version_hash(article: &Article) -> String {
    text_hash(&format!(
        "{}\n{}\n{:?}",
        article.title.as_deref().unwrap_or(""),
        article.text,
        article.updated.or(article.published)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head><title>Flood toll rises</title>\
        <meta property=\"article:published_time\" content=\"2031-05-02T08:00:00Z\"></head>\
        <body><article><h1>Flood toll rises</h1>\
        <p>At least 12 people were killed when the river burst its banks overnight, officials said on Tuesday.</p>\
        <p>Rescue teams searched the lower town through the night while residents waited on the hills.</p>\
        </article></body></html>";

    #[test]
    fn a_page_is_read_once_into_text_sketch_and_figures() {
        let page = read(PAGE.as_bytes(), Some("text/html; charset=utf-8"), None);
        assert_eq!(page.article.title.as_deref(), Some("Flood toll rises"));
        assert!(page.article.text.contains("river burst its banks"));
        assert!(!page.shingles.is_empty());
        let killed: Vec<u64> = page
            .figures
            .iter()
            .filter(|o| o.kind == crate::model::FigureKind::Killed)
            .map(|o| o.value)
            .collect();
        assert_eq!(killed, vec![12]);
        assert_eq!(page, of_article(page.article.clone()));
    }

    #[test]
    fn plain_text_is_read_by_lines_whether_declared_or_not() {
        let text = "Flood toll rises\nAt least 12 people were killed.\nRescuers searched.";
        for declared in [Some("text/plain; charset=utf-8"), None] {
            let page = read(text.as_bytes(), declared, None);
            assert_eq!(page.article.title.as_deref(), Some("Flood toll rises"));
            assert_eq!(
                page.article.text,
                "At least 12 people were killed.\n\nRescuers searched."
            );
        }
        // Declared HTML is HTML, markup or not.
        let html = read(text.as_bytes(), Some("text/html"), None);
        assert_ne!(html.article.title.as_deref(), Some("Flood toll rises"));
    }

    #[test]
    fn the_hash_follows_text_and_declared_time_not_markup() {
        let a = read(PAGE.as_bytes(), None, None);
        let restyled = PAGE.replace("<body>", "<body class=\"dark\"><nav>Home</nav>");
        assert_eq!(read(restyled.as_bytes(), None, None).hash, a.hash);
        let updated = PAGE.replace("At least 12", "At least 14");
        let b = read(updated.as_bytes(), None, None);
        assert_ne!(b.hash, a.hash);
        let mut later = a.article.clone();
        later.updated = Some(chrono::DateTime::UNIX_EPOCH);
        assert_ne!(of_article(later).hash, a.hash);
    }
}

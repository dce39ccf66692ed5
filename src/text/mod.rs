//! Text helpers shared by the feed parser, the extractors and the matcher: one canonical
//! form of text, the word and news-name lists shipped in the binary, HTML fragments reduced
//! to plain text, and shingle sketches. Pure; nothing here does I/O.

pub mod html;
pub(crate) mod nesting;
pub mod normalize;
pub mod prior;
pub mod shingles;

//! Pure readers of text: article main text, entities, casualty figures, and the plain-text
//! helpers they share. Nothing here does I/O.

pub mod article;
pub mod charset;
pub mod entities;
pub mod figures;
mod nesting;
pub mod numbers;
mod page_meta;
mod script_text;
pub mod text;

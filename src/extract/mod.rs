//! Pure readers of text: article main text, entities, casualty figures. Nothing here does
//! I/O; the plain-text helpers they share are in [`crate::text`].

pub mod article;
pub mod charset;
pub mod entities;
pub mod figures;
pub mod numbers;
pub mod page;
mod page_meta;
mod script_text;

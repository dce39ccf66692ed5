//! Pure readers of text: article main text, entities, casualty figures, and the plain-text
//! helpers they share. Nothing here does I/O.

pub mod entities;
pub mod text;

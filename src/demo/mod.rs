//! `followup demo`'s world: an invented story told by six outlets over six polls, carried in
//! the binary and served from memory on loopback, so the real pipeline runs on it with no
//! network and no files. It knows what each item is, so a run can be checked against it.
//!
//! - `world`: the embedded world file, read and checked.
//! - `render`: the world at one hour as feeds (RSS, Atom, JSON Feed) and article pages.
//! - `server`: the HTTP server that answers as the world stands at the current hour.
//! - `check`: what a run found, against what the world contains.

mod check;
mod render;
mod server;
mod world;

pub use check::{Found, Verdict};
pub use render::Clock;
pub use server::Server;
pub use world::{Truth, World, WorldError};

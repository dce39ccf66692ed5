//! Integration tests: the real `followup` binary against local HTTP servers, temp configs and
//! temp databases. One test binary, one module per area.

mod config;
mod daemon;
mod figures;
mod formats;
mod items;
mod poll;
mod service;
mod stories;
mod util;

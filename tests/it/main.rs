//! Integration tests: the real `followup` binary against local HTTP servers, temp configs and
//! temp databases. One test binary, one module per area.

mod config;
mod daemon;
mod demo;
mod digest;
mod faults;
mod figures;
mod formats;
mod hostile;
mod hostile_fuzz;
mod hostile_util;
mod items;
mod layers;
mod liberal;
mod opml;
mod politeness;
mod poll;
mod retention;
mod service;
mod smtp_sink;
mod stories;
mod util;

//! followup tracks follow-up coverage of news stories.
//!
//! # Layout
//! Data flows one way: config → fetch → parse → extract → match → store → report. Each
//! module imports only the modules above it in this list (`tests/it/layers.rs` checks it,
//! and that no two files of one module import each other):
//!
//! - [`model`]: plain data shared by every stage.
//! - [`chain`]: an error and its causes in one line, each said once.
//! - [`health`]: the scheduler's heartbeat, read by the systemd watchdog and `/healthz`.
//! - [`text`]: text helpers below everything that reads text: one canonical form, the
//!   shipped word and news-name lists, HTML fragments to plain text, shingle sketches.
//! - [`config`]: feeds.toml, loaded and validated once; every error names file, line and key.
//! - [`schedule`]: pure next-fetch computation from headers, hints and errors.
//! - [`fetch`]: the one HTTP client (limits, conditional GET, redirects, address checks) and
//!   feed parsing (bytes → items). Takes plain values, not config types.
//! - [`extract`]: pure readers of text: article main text, entities, casualty figures, and
//!   the page step (bytes → one page version with its figures).
//! - [`story`]: the follow-up decision as plain data: entity weights, the background
//!   corpus, the matcher and its explanation, a round's windows, candidates, verdicts and
//!   near-duplicate groups.
//! - [`store`]: SQLite; the only module that names rusqlite or SQL. Async callers use its
//!   database thread through [`store::Db`]'s typed methods.
//! - [`metrics`]: the daemon's Prometheus counters and their `/metrics` + `/healthz` server.
//! - [`pipeline`]: one round, as I/O scripts over the pure parts: feed jobs, pages, the
//!   story stage. Errors recorded, never fatal.
//! - [`digest`]: what changed in each story over a period, rendered as text, Markdown, HTML
//!   or JSON and mailed; per-change alerts after each round; output escaping.
//! - [`demo`]: the invented news world `followup demo` serves on loopback, and its truth.
//! - [`daemon`]: the long-running scheduler loop with bounded workers and clean shutdown.
//! - [`cli`]: the command-line interface, one file per command, and output rendering.

pub mod chain;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod digest;
pub mod extract;
pub mod fetch;
pub mod health;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod schedule;
pub mod store;
pub mod story;
pub mod text;

//! followup tracks follow-up coverage of news stories.
//!
//! # Layout
//! Data flows one way: config → fetch → parse → extract → match → store → report.
//!
//! - [`config`]: feeds.toml, loaded and validated once; every error names file, line and key.
//! - [`model`]: plain data shared by every stage.
//! - [`fetch`]: the one HTTP client (limits, conditional GET, redirects, address checks) and
//!   feed parsing (bytes → items).
//! - [`extract`]: pure readers of text: article main text, entities, casualty figures.
//! - [`story`]: entity weights, the follow-up decision and its explanation, near-duplicates.
//! - [`schedule`]: pure next-fetch computation from headers, hints and errors.
//! - [`store`]: SQLite; the only module that names rusqlite or SQL.
//! - [`pipeline`]: one feed job, from fetch to stored figures; errors recorded, never fatal.
//! - [`digest`]: what changed in each story over a period, rendered as text, Markdown, HTML
//!   or JSON and mailed; per-change alerts to commands and webhooks.
//! - [`daemon`]: the long-running scheduler loop with bounded workers and clean shutdown.
//! - [`metrics`]: the daemon's Prometheus counters and their `/metrics` + `/healthz` server.
//! - [`cli`]: the command-line interface, one file per command, and output rendering.

pub mod chain;
pub mod cli;
pub mod config;
pub mod daemon;
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

//! `followup feeds`: every configured feed, polled or not, with its health.

use std::process::ExitCode;

use anyhow::Context as _;

use super::output::{self, Format};
use crate::config::Config;
use crate::model::FeedState;
use crate::store::Store;

/// Arguments of `feeds`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output form (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The JSON contract of one feed.
#[derive(serde::Serialize)]
struct FeedJson {
    url: String,
    name: Option<String>,
    fetch_url: Option<String>,
    last_fetch: Option<String>,
    last_status: Option<i64>,
    last_error: Option<String>,
    error_count: i64,
    items: i64,
    next_fetch: Option<String>,
    gone: bool,
}

/// Lists configured feeds with their stored state.
pub fn run(args: Args, config: &Config, store: &Store) -> anyhow::Result<ExitCode> {
    let stored = store.feeds().context("listing feeds")?;
    let feeds: Vec<FeedJson> = config
        .feeds
        .iter()
        .map(|feed| {
            let url = feed.url.to_string();
            let state = stored
                .iter()
                .find(|s| s.url == url)
                .cloned()
                .unwrap_or_else(|| FeedState {
                    url: url.clone(),
                    ..Default::default()
                });
            FeedJson {
                url,
                name: feed.name.clone(),
                fetch_url: state.fetch_url,
                last_fetch: state.last_fetch.map(output::time),
                last_status: state.last_status,
                last_error: state.last_error,
                error_count: state.error_count,
                items: state.items,
                next_fetch: state.next_fetch.map(output::time),
                gone: state.gone,
            }
        })
        .collect();
    match args.format {
        Format::Json => output::print_json(&feeds)?,
        Format::Csv => {
            let rows = feeds.iter().map(row).collect();
            output::print_csv(&HEADER, rows)?;
        }
        Format::Table => {
            let rows = feeds.iter().map(row).collect();
            output::print_table(&HEADER, rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

const HEADER: [&str; 6] = ["feed", "items", "last fetch", "status", "errors", "error"];

fn row(f: &FeedJson) -> Vec<String> {
    let status = if f.gone {
        "gone".to_string()
    } else {
        f.last_status.map_or("-".into(), |s| s.to_string())
    };
    vec![
        f.name.clone().unwrap_or_else(|| f.url.clone()),
        f.items.to_string(),
        f.last_fetch.clone().unwrap_or_else(|| "never".into()),
        status,
        f.error_count.to_string(),
        f.last_error.clone().unwrap_or_default(),
    ]
}

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
    /// The feed's own title, from its document.
    title: Option<String>,
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
    let mut stored: std::collections::HashMap<String, FeedState> = store
        .feeds()
        .context("listing feeds")?
        .into_iter()
        .map(|f| (f.url.clone(), f))
        .collect();
    let feeds: Vec<FeedJson> = config
        .feeds
        .iter()
        .map(|feed| {
            let url = feed.url.to_string();
            let state = stored.remove(&url).unwrap_or_else(|| FeedState {
                url: url.clone(),
                ..Default::default()
            });
            FeedJson {
                url,
                name: feed.name.clone(),
                title: state.title,
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
            let rows = feeds.iter().map(|f| row(f, false)).collect();
            output::print_csv(&HEADER, rows)?;
        }
        Format::Table => {
            let rows = feeds.iter().map(|f| row(f, true)).collect();
            output::print_table(&HEADER, rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

const HEADER: [&str; 6] = ["feed", "items", "last fetch", "status", "errors", "error"];

/// One feed's row; `label`: called by its name, title or host (tables), else by its name
/// or whole URL (CSV, for scripts).
fn row(f: &FeedJson, label: bool) -> Vec<String> {
    let status = if f.gone {
        "gone".to_string()
    } else {
        f.last_status.map_or("-".into(), |s| s.to_string())
    };
    vec![
        if label {
            output::feed_label(f.name.as_deref().or(f.title.as_deref()), &f.url)
        } else {
            f.name.clone().unwrap_or_else(|| f.url.clone())
        },
        f.items.to_string(),
        f.last_fetch.clone().unwrap_or_else(|| "never".into()),
        status,
        f.error_count.to_string(),
        f.last_error.clone().unwrap_or_default(),
    ]
}

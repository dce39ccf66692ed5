//! `followup items`: stored items, newest first, as a table, JSON or CSV.

use std::process::ExitCode;

use anyhow::Context as _;

use super::output::{self, Format};
use crate::config::Config;
use crate::store::{ItemFilter, Store};

/// Arguments of `items`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only items of this feed (its URL or name).
    #[arg(long)]
    feed: Option<String>,
    /// Only items first seen since this date (2024-03-25, RFC 3339) or duration ago (2d, 12h).
    #[arg(long, value_parser = super::since::parse)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    /// Full-text search over titles and summaries.
    #[arg(long)]
    search: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The JSON contract of one item.
#[derive(serde::Serialize)]
struct ItemJson<'a> {
    feed: &'a str,
    feed_name: Option<&'a str>,
    guid: Option<&'a str>,
    url: Option<&'a str>,
    title: &'a str,
    published: Option<String>,
    first_seen: String,
}

/// Lists stored items.
pub fn run(args: Args, _config: &Config, store: &Store) -> anyhow::Result<ExitCode> {
    let items = store
        .items(&ItemFilter {
            feed: args.feed,
            since: args.since,
            search: args.search,
            limit: args.limit,
        })
        .context("listing items")?;
    match args.format {
        Format::Json => {
            let json: Vec<ItemJson> = items
                .iter()
                .map(|i| ItemJson {
                    feed: &i.feed,
                    feed_name: i.feed_name.as_deref(),
                    guid: i.guid.as_deref(),
                    url: i.url.as_deref(),
                    title: &i.title,
                    published: i.published.map(output::time),
                    first_seen: output::time(i.first_seen),
                })
                .collect();
            output::print_json(&json)?;
        }
        Format::Csv => {
            let rows = items
                .iter()
                .map(|i| {
                    vec![
                        i.feed.clone(),
                        i.guid.clone().unwrap_or_default(),
                        i.url.clone().unwrap_or_default(),
                        i.title.clone(),
                        i.published.map(output::time).unwrap_or_default(),
                        output::time(i.first_seen),
                    ]
                })
                .collect();
            output::print_csv(
                &["feed", "guid", "url", "title", "published", "first_seen"],
                rows,
            )?;
        }
        Format::Table => {
            let rows = items
                .iter()
                .map(|i| {
                    vec![
                        output::short_time(i.published.or(Some(i.first_seen))),
                        output::feed_label(i.feed_name.as_deref(), &i.feed),
                        i.title.clone(),
                    ]
                })
                .collect();
            output::print_table(&["published", "feed", "title"], rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

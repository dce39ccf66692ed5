//! `followup extract FILE|URL`: show what followup reads from one article page — main text,
//! title, times, entities and casualty figures — to debug why something did or did not match.
//! Needs no config and opens no database.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use url::Url;

use crate::config::{self, Settings};
use crate::extract::entities;
use crate::extract::page::PageVersion;
use crate::fetch::Fetcher;
use crate::model::Observation;
use crate::pipeline::client_options;
use crate::pipeline::page::{self, PageSource};

/// Output forms of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The main text only.
    Text,
    /// Title, times, text, entities and figures as JSON.
    Json,
}

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An HTML file, or an http(s) URL to fetch.
    source: String,
    /// The page's address, for resolving links in a local file.
    #[arg(long)]
    url: Option<Url>,
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The JSON shape of `extract --format json`.
#[derive(serde::Serialize)]
struct ExtractJson {
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    text: String,
    entities: Vec<Vec<String>>,
    figures: Vec<Observation>,
}

/// Reads one page and prints what followup sees in it.
pub fn run(args: Args, config_path: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let source = if super::looks_like_url(&args.source) {
        PageSource::Url(Url::parse(&args.source).context("reading the URL to extract")?)
    } else {
        PageSource::File {
            path: PathBuf::from(&args.source),
            url: args.url.clone(),
        }
    };
    // An explicit --config may allow private networks; otherwise the defaults apply.
    let settings = match (&source, config_path) {
        (PageSource::Url(_), Some(path)) => config::load(path)?.settings,
        _ => Settings::default(),
    };
    let fetcher = Fetcher::new(&client_options(&settings))?;
    let loaded = super::runtime()?.block_on(page::load(&fetcher, &source))?;
    // For a fetched page, --url names where it is published (the fetch may have been
    // redirected or be a mirror).
    let page_url = match &source {
        PageSource::Url(_) => args.url.or(loaded.url),
        PageSource::File { url, .. } => url.clone(),
    };
    let PageVersion {
        article: page,
        figures,
        ..
    } = loaded.page;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => writeln!(out, "{}", page.text)?,
        Format::Json => {
            let learned = entities::learn(page.title.as_deref().unwrap_or(""), &page.text);
            let json = ExtractJson {
                url: page_url.map(|u| u.to_string()),
                title: page.title.clone(),
                published: page.published.map(super::output::time),
                updated: page.updated.map(super::output::time),
                text: page.text.clone(),
                entities: learned.into_iter().map(|e| e.names).collect(),
                figures,
            };
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

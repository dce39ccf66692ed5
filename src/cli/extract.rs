//! `followup extract FILE|URL`: show what followup reads from one article page — main text,
//! title, times, entities and casualty figures — to debug why something did or did not match.
//! Needs no config and opens no database.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use url::Url;

use crate::config::{self, Settings};
use crate::extract::{article, charset, entities, figures};
use crate::fetch::{FetchOutcome, Fetcher, Validators};
use crate::model::Observation;

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
    let (bytes, content_type, page_url) = if looks_like_url(&args.source) {
        let url = Url::parse(&args.source).context("reading the URL to extract")?;
        // An explicit --config may allow private networks; otherwise the defaults apply.
        let settings = match config_path {
            Some(path) => config::load(path)?.settings,
            None => Settings::default(),
        };
        let (bytes, content_type, final_url) = fetch(&settings, &url)?;
        (bytes, content_type, Some(args.url.unwrap_or(final_url)))
    } else {
        let path = PathBuf::from(&args.source);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        (bytes, None, args.url)
    };
    let html = charset::decode(&bytes, content_type.as_deref());
    let page = article::read(&html, page_url.as_ref());
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
                figures: figures::article_figures(page.title.as_deref().unwrap_or(""), &page.text),
            };
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn looks_like_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn fetch(settings: &Settings, url: &Url) -> anyhow::Result<(Vec<u8>, Option<String>, Url)> {
    let fetcher = Fetcher::new(settings)?;
    let runtime = super::runtime()?;
    let fetched = runtime
        .block_on(fetcher.get(url, &Validators::default()))
        .with_context(|| format!("fetching {url}"))?;
    match fetched.outcome {
        FetchOutcome::Fresh(response) => Ok((response.body, response.content_type, response.url)),
        FetchOutcome::NotModified { .. } => bail!("fetching {url}: unexpected 304"),
        FetchOutcome::RateLimited { status, .. } => {
            bail!("fetching {url}: rate limited (HTTP {status})")
        }
        FetchOutcome::Gone => bail!("fetching {url}: gone (HTTP 410)"),
    }
}

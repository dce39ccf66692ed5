//! `followup track URL|FILE`: read a baseline article, show what followup learns from it —
//! entities, aliases, publication time, casualty figures — and append a `[[story]]` to the
//! config, keeping the file's comments and layout. `--dry-run` only prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};
use url::Url;

use super::figures::phrase;
use crate::config::{self, Baseline, Settings, StoryConfig};
use crate::extract::page::PageVersion;
use crate::fetch::Fetcher;
use crate::model::FigureRow;
use crate::pipeline::client_options;
use crate::pipeline::page::{self, PageSource};
use crate::story::background::build_matcher;
use crate::story::round::spec;

/// Entities saved with a new story: enough to keep following it if the baseline vanishes.
const SAVED_ENTITIES: usize = 8;
/// Only names at least this specific are worth saving.
const SAVED_WEIGHT: f64 = 0.5;

/// Arguments of `track`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline article: an http(s) URL or an HTML file.
    source: String,
    /// The story id (default: made from the title).
    #[arg(long)]
    id: Option<String>,
    /// The story title (default: the article's headline).
    #[arg(long)]
    title: Option<String>,
    /// Only print what would be added.
    #[arg(long)]
    dry_run: bool,
}

/// Reads the article, prints what was learned, and saves the story.
pub fn run(args: Args, config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let located = config::locate(config_path);
    let existing = match &located {
        Ok(path) if path.is_file() => Some(config::load(path)?),
        _ => None,
    };
    let settings = existing
        .as_ref()
        .map_or_else(Settings::default, |c| c.settings.clone());
    let (version, baseline) = read(&args.source, &settings)?;
    let page = &version.article;
    if page.text.trim().is_empty() {
        bail!("{}: no article text found on the page", args.source);
    }
    let title = args
        .title
        .clone()
        .or_else(|| page.title.clone())
        .unwrap_or_else(|| args.source.clone());
    let taken: Vec<String> = existing
        .as_ref()
        .map(|c| c.stories.iter().map(|s| s.id.clone()).collect())
        .unwrap_or_default();
    let id = match &args.id {
        Some(id) => id.clone(),
        None => unique(&slug(&title), &taken),
    };
    if taken.contains(&id) {
        bail!("a story with id {id:?} already exists; pick another with --id");
    }
    let story = StoryConfig {
        id: id.clone(),
        title: title.clone(),
        baseline: Some(baseline.clone()),
        entities: Vec::new(),
        aliases: Default::default(),
        exclude: Vec::new(),
        since: None,
        until: None,
        baseline_figures: Default::default(),
        recheck_for: std::time::Duration::from_secs(48 * 3600),
        on_change: Vec::new(),
        webhook: None,
    };
    let spec = spec(&story, Some(page.clone()));
    let matcher = build_matcher(std::slice::from_ref(&spec), &[]);
    let mut entities: Vec<Learned> = matcher
        .stories()
        .first()
        .map(|s| {
            s.entities
                .iter()
                .map(|e| Learned {
                    names: e.names.clone(),
                    weight: e.name_weights.iter().copied().fold(0.0, f64::max),
                    common: e.common_word,
                    anchor: e.in_lead,
                })
                .collect()
        })
        .unwrap_or_default();
    // The event's anchors (named by the title or lead) first, then its context, each by weight.
    entities.sort_by(|a, b| b.anchor.cmp(&a.anchor).then(b.weight.total_cmp(&a.weight)));
    let found = &version.figures;

    println!("story: {id} — {}", super::output::terminal_safe(&title));
    println!(
        "published: {}",
        page.published
            .map(super::output::time)
            .unwrap_or_else(|| "unknown".into())
    );
    if let Some(since) = spec.since {
        println!("follow-ups from: {}", super::output::time(since));
    }
    println!("entities (weight):");
    for (i, e) in entities.iter().enumerate() {
        if i == 0 || entities[i - 1].anchor != e.anchor {
            println!(
                "  {}",
                if e.anchor {
                    "anchors: named by the title or lead"
                } else {
                    "context: named further down"
                }
            );
        }
        let note = if e.common {
            " (also a common word)"
        } else {
            ""
        };
        println!(
            "  {:.2}  {}{note}",
            e.weight,
            super::output::terminal_safe(&e.names.join(" / "))
        );
    }
    println!("figures:");
    if found.is_empty() {
        println!("  none found");
    }
    for o in found {
        let row = FigureRow {
            kind: o.kind,
            value: o.value,
            qualifier: o.qualifier,
            url: String::new(),
            title: None,
            as_of: None,
            observed_at: chrono::Utc::now(),
            sentence: o.sentence.clone(),
            term: o.term.clone(),
            baseline: true,
            current: true,
        };
        println!("  {}: {}", o.kind.as_str(), phrase(&row));
    }

    let saved: Vec<&Learned> = entities
        .iter()
        .filter(|e| e.weight >= SAVED_WEIGHT && !e.common)
        .take(SAVED_ENTITIES)
        .collect();
    let table = story_table(&story, &saved, found);
    if args.dry_run {
        println!("\nwould add:\n[[story]]\n{table}");
        return Ok(ExitCode::SUCCESS);
    }
    let path = match located {
        Ok(path) => path,
        Err(_) => PathBuf::from("feeds.toml"),
    };
    append(&path, table)?;
    eprintln!("added story {id:?} to {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Reads the page to track, and where the story's baseline will be read from.
fn read(source: &str, settings: &Settings) -> anyhow::Result<(PageVersion, Baseline)> {
    let (from, baseline) = if super::looks_like_url(source) {
        let url = Url::parse(source).context("reading the URL to track")?;
        (PageSource::Url(url.clone()), Baseline::Url(url))
    } else {
        let path = PathBuf::from(source);
        let absolute = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        (
            PageSource::File { path, url: None },
            Baseline::File(absolute),
        )
    };
    let fetcher = Fetcher::new(&client_options(settings))?;
    let loaded = super::runtime()?.block_on(page::load(&fetcher, &from))?;
    Ok((loaded.page, baseline))
}

/// A learned entity as `track` lists it.
struct Learned {
    names: Vec<String>,
    /// Its best name's weight.
    weight: f64,
    /// Whether its main name is also an ordinary word.
    common: bool,
    /// Whether the baseline's title or lead names it.
    anchor: bool,
}

/// The `[[story]]` table to append.
fn story_table(
    story: &StoryConfig,
    entities: &[&Learned],
    found: &[crate::model::Observation],
) -> Table {
    let mut table = Table::new();
    table.insert("id", value(story.id.clone()));
    table.insert("title", value(story.title.clone()));
    match &story.baseline {
        Some(Baseline::Url(url)) => table.insert("baseline_url", value(url.to_string())),
        Some(Baseline::File(path)) => {
            table.insert("baseline_file", value(path.display().to_string()))
        }
        None => None,
    };
    if !entities.is_empty() {
        let names: Array = entities.iter().map(|e| e.names[0].clone()).collect();
        table.insert("entities", value(names));
        let mut aliases = InlineTable::new();
        for e in entities.iter().filter(|e| e.names.len() > 1) {
            let others: Array = e.names[1..].iter().cloned().collect();
            aliases.insert(&e.names[0], others.into());
        }
        if !aliases.is_empty() {
            table.insert("aliases", value(aliases));
        }
    }
    if !found.is_empty() {
        let mut figures = InlineTable::new();
        for o in found {
            let q = o.qualifier.phrase();
            let text = if q.is_empty() {
                o.value.to_string()
            } else {
                format!("{q} {}", o.value)
            };
            figures.insert(o.kind.as_str(), text.into());
        }
        table.insert("baseline_figures", value(figures));
    }
    table
}

/// Appends a `[[story]]` to the config, keeping everything already in it.
fn append(path: &Path, table: Table) -> anyhow::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let stories = doc
        .entry("story")
        .or_insert(Item::ArrayOfTables(Default::default()));
    let Some(array) = stories.as_array_of_tables_mut() else {
        bail!(
            "{}: `story` is not a list of [[story]] tables",
            path.display()
        );
    };
    array.push(table);
    let updated = doc.to_string();
    // Validate before writing: a story that would not load is not saved.
    config::parse(path, &updated)?;
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, updated).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// A story id from a title: lowercase ASCII words joined by '-', at most 48 characters.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 48 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() { "story".into() } else { out }
}

fn unique(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(
            slug("Flood hits Valdoria: 12 dead!"),
            "flood-hits-valdoria-12-dead"
        );
        assert_eq!(slug("Землетрясение"), "story");
        assert_eq!(unique("a", &["a".into(), "a-2".into()]), "a-3");
    }

    #[test]
    fn append_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        std::fs::write(
            &path,
            "# my feeds\n[[feed]]\nurl = \"https://a.example/rss\" # main\n",
        )
        .unwrap();
        let mut table = Table::new();
        table.insert("id", value("quake"));
        table.insert("title", value("Quake"));
        table.insert("entities", value(Array::from_iter(["Valdoria"])));
        append(&path, table).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my feeds\n"), "{text}");
        assert!(text.contains("# main"), "{text}");
        let config = config::parse(&path, &text).unwrap();
        assert_eq!(config.stories[0].id, "quake");
    }
}

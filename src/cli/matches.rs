//! `followup matches`: stored follow-ups, newest first, as a table (near-duplicates shown
//! once with their outlet count), JSON, CSV or an Atom feed a reader can subscribe to.

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use quick_xml::escape::escape;

use super::output;
use crate::config::Config;
use crate::model::MatchRow;
use crate::store::{MatchFilter, Store};
use crate::story::background::build_matcher;
use crate::story::round::spec;
use crate::text::normalize::normalize;

/// Output forms of `matches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per near-duplicate group.
    Table,
    /// One object per matched item.
    Json,
    /// One row per matched item.
    Csv,
    /// An Atom feed of the matches.
    Atom,
}

/// Arguments of `matches`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this story.
    #[arg(long)]
    story: Option<String>,
    /// Only items first seen since this date or duration ago.
    #[arg(long, value_parser = super::since::parse)]
    since: Option<DateTime<Utc>>,
    /// Only items first seen before this date or duration ago.
    #[arg(long, value_parser = super::since::parse)]
    until: Option<DateTime<Utc>>,
    /// Only items of this feed (URL or name).
    #[arg(long)]
    feed: Option<String>,
    /// Only matches where this entity hit.
    #[arg(long)]
    entity: Option<String>,
    /// Full-text search over items and their articles.
    #[arg(long)]
    search: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Show why each item matched: the names that hit, where, and their weights.
    #[arg(long)]
    explain: bool,
}

/// The JSON contract of one match.
#[derive(serde::Serialize)]
struct MatchJson<'a> {
    story: &'a str,
    url: &'a str,
    title: &'a str,
    feed: &'a str,
    feed_name: Option<&'a str>,
    published: Option<String>,
    first_seen: String,
    score: f64,
    entities: &'a [String],
    group: i64,
    outlets: i64,
    verdict: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<serde_json::Value>,
}

/// Lists stored follow-ups.
pub fn run(args: Args, config: &Config, store: &Store) -> anyhow::Result<ExitCode> {
    if let Some(story) = &args.story
        && config.story(story).is_none()
    {
        anyhow::bail!(
            "no story {story:?} in {} (stories: {})",
            config.path.display(),
            config
                .stories
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let entity = args
        .entity
        .as_deref()
        .map(|name| main_name(config, store, name))
        .transpose()?;
    let rows = store
        .matches(&MatchFilter {
            story: args.story.clone(),
            since: args.since,
            until: args.until,
            feed: args.feed.clone(),
            entity,
            search: args.search.clone(),
            limit: args.limit,
        })
        .context("listing matches")?;
    match args.format {
        Format::Json => output::print_json(&to_json(&rows, args.explain))?,
        Format::Csv => {
            let rows = rows
                .iter()
                .map(|m| {
                    vec![
                        m.story.clone(),
                        m.url.clone(),
                        m.title.clone(),
                        m.feed.clone(),
                        m.published.map(output::time).unwrap_or_default(),
                        output::time(m.first_seen),
                        format!("{:.3}", m.score),
                        m.entities.join("; "),
                        m.group.to_string(),
                        m.outlets.to_string(),
                    ]
                })
                .collect();
            output::print_csv(
                &[
                    "story",
                    "url",
                    "title",
                    "feed",
                    "published",
                    "first_seen",
                    "score",
                    "entities",
                    "group",
                    "outlets",
                ],
                rows,
            )?;
        }
        Format::Table => print_table(&rows, args.explain)?,
        Format::Atom => print_atom(&rows, args.story.as_deref())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON contract of `matches --format json`: one object per matched item.
pub(super) fn to_json(rows: &[MatchRow], explain: bool) -> serde_json::Value {
    let json: Vec<MatchJson> = rows
        .iter()
        .map(|m| MatchJson {
            story: &m.story,
            url: &m.url,
            title: &m.title,
            feed: &m.feed,
            feed_name: m.feed_name.as_deref(),
            published: m.published.map(output::time),
            first_seen: output::time(m.first_seen),
            score: (m.score * 1000.0).round() / 1000.0,
            entities: &m.entities,
            group: m.group,
            outlets: m.outlets,
            verdict: &m.verdict,
            explanation: explain.then(|| serde_json::from_str(&m.explanation).unwrap_or_default()),
        })
        .collect();
    serde_json::to_value(json).unwrap_or_default()
}

/// The main name of the entity that `name` is one of the names of (in any story), so
/// `--entity` finds matches whichever of its names hit; unknown names pass through as given.
fn main_name(config: &Config, store: &Store, name: &str) -> anyhow::Result<String> {
    let mut specs = Vec::new();
    for story in &config.stories {
        let baseline = store
            .baseline(&story.id)
            .with_context(|| format!("reading the baseline of story {}", story.id))?;
        specs.push(spec(story, baseline.map(|b| b.article)));
    }
    let matcher = build_matcher(&specs, &[]);
    let wanted = normalize(name);
    let found = matcher
        .stories()
        .iter()
        .flat_map(|s| &s.entities)
        .find(|e| e.names.iter().any(|n| normalize(n) == wanted))
        .and_then(|e| e.names.first().cloned());
    Ok(found.unwrap_or_else(|| name.to_string()))
}

/// Prints matches as a table, one line per near-duplicate group.
pub(super) fn print_table(rows: &[MatchRow], explain: bool) -> anyhow::Result<()> {
    let mut seen = HashSet::new();
    let mut table = Vec::new();
    for m in rows {
        if !seen.insert((m.story.clone(), m.group)) {
            continue;
        }
        let mut row = vec![
            output::short_time(m.published.or(Some(m.first_seen))),
            m.story.clone(),
            output::feed_label(m.feed_name.as_deref(), &m.feed),
            if m.outlets > 1 {
                format!("{} ({} outlets)", m.title, m.outlets)
            } else {
                m.title.clone()
            },
            format!("{:.2}", m.score),
        ];
        if explain {
            row.push(explain_line(&m.explanation));
        }
        table.push(row);
    }
    let mut header = vec!["published", "story", "feed", "title", "score"];
    if explain {
        header.push("why");
    }
    output::print_table(&header, table)?;
    Ok(())
}

/// "Valdoria Dam (title, 0.92); topical 0.31": the hits and topical score of a match.
fn explain_line(explanation: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(explanation).unwrap_or_default();
    let mut parts: Vec<String> = value["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            format!(
                "{} ({}, {:.2})",
                h["name"].as_str().unwrap_or("?"),
                h["field"].as_str().unwrap_or("?"),
                h["weight"].as_f64().unwrap_or(0.0)
            )
        })
        .collect();
    if let Some(t) = value["topical"].as_f64() {
        parts.push(format!("topical {t:.2}"));
    }
    if let Some(p) = value["score"].as_f64()
        && value["contributions"].is_array()
    {
        // The fitted decision: its probability and the features that moved it most.
        let top: Vec<String> = value["contributions"]
            .as_array()
            .into_iter()
            .flatten()
            .take(4)
            .map(|c| {
                format!(
                    "{} {:+.2}",
                    c["feature"].as_str().unwrap_or("?"),
                    c["adds"].as_f64().unwrap_or(0.0)
                )
            })
            .collect();
        parts.push(format!("p {p:.2}: {}", top.join(", ")));
    }
    parts.join("; ")
}

fn print_atom(rows: &[MatchRow], story: Option<&str>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let title = story.map_or("followup: all stories".to_string(), |s| {
        format!("followup: {s}")
    });
    let updated = rows
        .iter()
        .map(|m| m.published.unwrap_or(m.first_seen))
        .max()
        .unwrap_or_else(Utc::now);
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(out, r#"<feed xmlns="http://www.w3.org/2005/Atom">"#)?;
    writeln!(out, "  <title>{}</title>", escape(title.as_str()))?;
    writeln!(
        out,
        "  <id>urn:followup:{}</id>",
        escape(story.unwrap_or("all"))
    )?;
    writeln!(out, "  <updated>{}</updated>", output::time(updated))?;
    for m in rows {
        writeln!(out, "  <entry>")?;
        writeln!(out, "    <title>{}</title>", escape(m.title.as_str()))?;
        writeln!(out, "    <link href=\"{}\"/>", escape(m.url.as_str()))?;
        writeln!(
            out,
            "    <id>urn:followup:{}:{}</id>",
            escape(m.story.as_str()),
            m.item_id
        )?;
        writeln!(
            out,
            "    <updated>{}</updated>",
            output::time(m.published.unwrap_or(m.first_seen))
        )?;
        writeln!(
            out,
            "    <summary>{}</summary>",
            escape(format!("Matched {}: {}", m.story, m.entities.join(", ")).as_str())
        )?;
        writeln!(out, "  </entry>")?;
    }
    writeln!(out, "</feed>")?;
    Ok(())
}

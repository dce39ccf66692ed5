//! `followup figures`: per kind, the baseline figure, the latest, the change, its source and
//! declared time, disagreements, and the history.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use super::output::{self, Format};
use crate::config::Config;
use crate::model::FigureRow;
use crate::store::Store;
use crate::story::timeline::Timeline;

/// Arguments of `figures`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story (may be left out when only one is configured).
    #[arg(long)]
    story: Option<String>,
    /// Output form (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Prints a story's figures.
pub fn run(args: Args, config: &Config, store: &Store) -> anyhow::Result<ExitCode> {
    let story = super::pick_story(config, args.story.as_deref())?;
    let timeline = timeline_of(store, &story)?;
    match args.format {
        Format::Json => output::print_json(&to_json(&story, &timeline))?,
        Format::Table | Format::Csv => print_table(&timeline, args.format)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The story's timeline from stored observations and its current matches.
pub fn timeline_of(store: &Store, story: &str) -> anyhow::Result<Timeline> {
    crate::digest::timeline_of(store, story)
        .with_context(|| format!("reading the figures and matches of story {story}"))
}

fn figure(row: &FigureRow, full: bool) -> Value {
    let mut obj = Map::new();
    obj.insert("value".into(), json!(row.value));
    obj.insert("qualifier".into(), json!(row.qualifier.as_str()));
    if full {
        obj.insert("kind".into(), json!(row.kind.as_str()));
        obj.insert("url".into(), json!(row.url));
        obj.insert("title".into(), json!(row.title));
        obj.insert("as_of".into(), json!(row.as_of.map(output::time)));
        obj.insert("observed_at".into(), json!(output::time(row.observed_at)));
    }
    obj.insert("sentence".into(), json!(row.sentence));
    Value::Object(obj)
}

/// The JSON contract of `figures --format json`.
pub fn to_json(story: &str, t: &Timeline) -> Value {
    let kinds = |m: &BTreeMap<_, FigureRow>, full: bool| -> Map<String, Value> {
        m.iter()
            .map(|(k, r): (&crate::model::FigureKind, &FigureRow)| {
                let mut v = figure(r, full);
                if full && let Some(obj) = v.as_object_mut() {
                    obj.remove("kind");
                }
                (k.as_str().to_string(), v)
            })
            .collect()
    };
    json!({
        "story": story,
        "baseline": kinds(&t.baseline, false),
        "latest": kinds(&t.latest, true),
        "delta": t.delta.iter().map(|(k, d)| (k.as_str().to_string(), json!(d))).collect::<Map<_, _>>(),
        "disputed": t.disputed.iter().map(|(k, d)| (k.as_str().to_string(), json!(d))).collect::<Map<_, _>>(),
        "history": t.history.iter().map(|r| figure(r, true)).collect::<Vec<_>>(),
    })
}

/// "at least 42": a figure as people write it.
pub fn phrase(row: &FigureRow) -> String {
    let q = row.qualifier.phrase();
    if q.is_empty() {
        row.value.to_string()
    } else {
        format!("{q} {}", row.value)
    }
}

/// Prints a timeline as a table (or CSV): one row per kind.
pub(super) fn print_table(t: &Timeline, format: Format) -> anyhow::Result<()> {
    let header = [
        "kind", "baseline", "latest", "change", "as of", "source", "disputed",
    ];
    let mut rows = Vec::new();
    for (kind, latest) in &t.latest {
        let baseline = t.baseline.get(kind).map_or("-".into(), phrase);
        let change = t.delta.get(kind).map_or("-".into(), |d| format!("{d:+}"));
        // Each disputing report by its headline, as the source column names the latest;
        // its URL is in the JSON.
        let disputed = t.disputed.get(kind).map_or(String::new(), |d| {
            d.iter()
                .map(|x| {
                    let title = t
                        .history
                        .iter()
                        .find(|r| r.url == x.url)
                        .and_then(|r| r.title.as_deref())
                        .unwrap_or(&x.url);
                    format!("{} ({title})", x.value)
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        rows.push(vec![
            kind.as_str().to_string(),
            baseline,
            phrase(latest),
            change,
            output::short_time(latest.as_of),
            latest.title.clone().unwrap_or_else(|| latest.url.clone()),
            disputed,
        ]);
    }
    if format == Format::Csv {
        output::print_csv(&header, rows)
    } else {
        output::print_table(&header, rows)?;
        Ok(())
    }
}

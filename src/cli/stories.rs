//! `followup stories`: each story with its entities and weights, match count and last match.

use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;

use super::output::{self, Format};
use crate::config::{Baseline, Config};
use crate::store::Store;
use crate::story::background::{BACKGROUND_DOCS, BackgroundCounter};
use crate::story::round::spec;

/// Arguments of `stories`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output form (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Lists configured stories with what followup learned about them.
pub fn run(args: Args, config: &Config, store: &Store) -> anyhow::Result<ExitCode> {
    let mut specs = Vec::new();
    let mut read = Vec::new();
    for story in &config.stories {
        let baseline = store
            .baseline(&story.id)
            .with_context(|| format!("reading the baseline of story {}", story.id))?;
        read.push(baseline.is_some());
        specs.push(spec(story, baseline.map(|b| b.article)));
    }
    let mut counter = BackgroundCounter::new(&specs);
    store
        .each_background_text(BACKGROUND_DOCS, |text| counter.add(text))
        .context("reading the background corpus")?;
    let matcher = counter.finish();
    let mut out = Vec::new();
    for ((story, info), baseline_read) in config.stories.iter().zip(matcher.stories()).zip(read) {
        let (count, last) = store
            .match_stats(&story.id)
            .with_context(|| format!("counting matches of story {}", story.id))?;
        let mut entities: Vec<(String, Vec<String>, f64)> = info
            .entities
            .iter()
            .map(|e| {
                let weight = e.name_weights.iter().copied().fold(0.0, f64::max);
                (e.names[0].clone(), e.names[1..].to_vec(), weight)
            })
            .collect();
        entities.sort_by(|a, b| b.2.total_cmp(&a.2));
        let baseline = match &story.baseline {
            Some(Baseline::Url(url)) => url.to_string(),
            Some(Baseline::File(path)) => path.display().to_string(),
            None => String::new(),
        };
        out.push(json!({
            "id": story.id,
            "title": story.title,
            "baseline": baseline,
            "baseline_read": baseline_read,
            "closed": story.until.is_some(),
            "since": specs.iter().find(|s| s.id == story.id).and_then(|s| s.since).map(output::time),
            "until": story.until.map(output::time),
            "matches": count,
            "last_match": last.map(output::time),
            "entities": entities.iter().map(|(name, aliases, weight)| json!({
                "name": name, "aliases": aliases, "weight": (weight * 1000.0).round() / 1000.0
            })).collect::<Vec<_>>(),
        }));
    }
    match args.format {
        Format::Json => output::print_json(&out)?,
        Format::Table | Format::Csv => {
            let rows = out
                .iter()
                .map(|s| {
                    let entities = s["entities"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .take(8)
                        .map(|e| {
                            format!(
                                "{} {:.2}",
                                e["name"].as_str().unwrap_or(""),
                                e["weight"].as_f64().unwrap_or(0.0)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let state = if s["closed"].as_bool() == Some(true) {
                        "closed"
                    } else if s["baseline_read"].as_bool() == Some(true) {
                        "open"
                    } else {
                        "open (baseline not read yet)"
                    };
                    vec![
                        s["id"].as_str().unwrap_or("").to_string(),
                        state.to_string(),
                        s["matches"].to_string(),
                        s["last_match"].as_str().unwrap_or("-").to_string(),
                        entities,
                    ]
                })
                .collect();
            let header = [
                "story",
                "state",
                "matches",
                "last match",
                "entities (weight)",
            ];
            if args.format == Format::Csv {
                output::print_csv(&header, rows)?;
            } else {
                output::print_table(&header, rows)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

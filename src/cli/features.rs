//! `followup features --story ID`: every stored item of a story measured at both stages —
//! the evidence features, the judgement and whether it is a candidate and a follow-up — as
//! JSON lines. For seeing why an item was or was not matched, and for fitting the
//! decision's weights (`tools/fit.py`). Articles not stored yet are fetched.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;

use crate::config::Config;
use crate::pipeline::{Context, stories};
use crate::store::Store;

/// Arguments of `features`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story (may be left out when only one is configured).
    #[arg(long)]
    story: Option<String>,
}

/// Prints one JSON object per stored item in the story's window.
pub fn run(args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let story = super::pick_story(&config, args.story.as_deref())?;
    let runtime = super::runtime()?;
    let ctx = Context::new(super::shared(config), store)?;
    let measured = runtime
        .block_on(stories::measure(&ctx, &story))
        .with_context(|| format!("measuring the items of story {story}"))?;
    let mut out = std::io::stdout().lock();
    for m in &measured {
        let line = json!({
            "story": story,
            "url": m.item.url,
            "title": m.item.title,
            "feed": m.item.feed,
            "published": m.item.published.map(super::output::time),
            "stage1": m.stage1,
            "stage2": m.stage2,
        });
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}

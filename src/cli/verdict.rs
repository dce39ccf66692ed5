//! `followup confirm` / `followup reject`: a person's verdict on one item for one story. It
//! overrides the automatic judgement and survives `rematch`.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::Utc;

use crate::config::Config;
use crate::model::Verdict;
use crate::store::Store;

/// Arguments of `confirm` and `reject`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The item's link, as `matches` shows it.
    url: String,
    /// The story (may be left out when only one is configured).
    #[arg(long)]
    story: Option<String>,
}

/// Records the verdict; a confirmed item becomes a match even if it was not one.
pub fn run(
    args: Args,
    verdict: Verdict,
    config: &Config,
    store: &mut Store,
) -> anyhow::Result<ExitCode> {
    let story = super::pick_story(config, args.story.as_deref())?;
    let item = store
        .item_id_by_url(&args.url)
        .context("looking up the item")?;
    let Some(item) = item else {
        bail!(
            "no stored item links to {} (check the URL with `followup matches --format json` or `followup items`)",
            args.url
        );
    };
    store
        .set_verdict(&story, &args.url, verdict, Utc::now())
        .context("recording the verdict")?;
    if verdict == Verdict::Confirmed {
        let explanation = r#"{"confirmed":true,"hits":[]}"#;
        store
            .save_confirmed(&story, item, explanation, Utc::now())
            .context("recording the confirmed match")?;
    }
    let word = match verdict {
        Verdict::Confirmed => "confirmed",
        Verdict::Rejected => "rejected",
    };
    eprintln!("{story}: {word} {}", args.url);
    Ok(ExitCode::SUCCESS)
}

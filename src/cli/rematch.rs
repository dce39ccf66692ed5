//! `followup rematch`: after a story's entities or aliases change, re-judge every stored item;
//! people's verdicts stand. `--dry-run` prints what would be added and removed.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::pipeline::{Context, stories};
use crate::store::Store;

/// Arguments of `rematch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story (may be left out when only one is configured).
    #[arg(long)]
    story: Option<String>,
    /// Only print what would change.
    #[arg(long)]
    dry_run: bool,
}

/// Re-judges every stored item for a story.
pub fn run(args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let story = super::pick_story(&config, args.story.as_deref())?;
    let runtime = super::runtime()?;
    let ctx = Context::new(super::shared(config), store)?;
    let spinner = super::progress::spinner(&format!("re-judging every stored item for {story}"));
    let report = runtime
        .block_on(stories::rematch(&ctx, &story, args.dry_run))
        .with_context(|| format!("re-judging story {story}"))?;
    spinner.finish_and_clear();
    let verb = if args.dry_run { "would " } else { "" };
    for item in &report.added {
        println!(
            "+ {} {}",
            item.url.as_deref().unwrap_or("-"),
            super::output::terminal_safe(&item.title)
        );
    }
    for item in &report.removed {
        println!(
            "- {} {}",
            item.url.as_deref().unwrap_or("-"),
            super::output::terminal_safe(&item.title)
        );
    }
    eprintln!(
        "{story}: {verb}add {} and {verb}remove {} matches",
        report.added.len(),
        report.removed.len()
    );
    Ok(ExitCode::SUCCESS)
}

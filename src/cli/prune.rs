//! `followup prune --older-than 90d [--dry-run]`: retention. Removes items first seen before
//! the cutoff that no story matched and no person judged, and article text nothing kept
//! refers to; matches, verdicts, baselines and figure observations always stay.

use std::process::ExitCode;

use chrono::{DateTime, Utc};

use crate::store::Store;

/// Arguments of `prune`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Remove what was first seen before this: a duration back from now (90d) or a date.
    #[arg(long, value_parser = super::since::parse, value_name = "DURATION|DATE")]
    older_than: DateTime<Utc>,
    /// Only count what would be removed.
    #[arg(long)]
    dry_run: bool,
}

/// Prunes the database and prints what went.
pub fn run(args: Args, store: &mut Store) -> anyhow::Result<ExitCode> {
    let spinner = super::progress::spinner(if args.dry_run {
        "counting what a prune would remove"
    } else {
        "pruning"
    });
    let pruned = store.prune(args.older_than, args.dry_run)?;
    spinner.finish_and_clear();
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    println!(
        "{verb} {} items and {} articles from before {}",
        pruned.items,
        pruned.articles,
        args.older_than.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(ExitCode::SUCCESS)
}

//! `followup poll`: fetch every configured feed once now and return when the round's work is
//! stored. Exits 0 even when feeds fail (each failure is on its feed row); only config and
//! database errors are fatal.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::digest::alert;
use crate::pipeline::{self, Context, FeedStatus};
use crate::store::Store;

/// Arguments of `poll` (none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Polls every feed once.
pub fn run(_args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    let ctx = Context::new(super::shared(config), store)?;
    let (reports, round) = runtime
        .block_on(async {
            let polled = pipeline::poll_all(&ctx).await?;
            alert::fire(&ctx.db, &ctx.config, &ctx.fetcher).await;
            Ok::<_, pipeline::JobError>(polled)
        })
        .context("polling feeds")?;
    let chatty = std::io::stderr().is_terminal();
    let (mut new, mut failed) = (0, 0);
    for report in &reports {
        let line = match &report.status {
            FeedStatus::Updated {
                new: n,
                changed,
                total,
            } => {
                new += n;
                format!("{n} new, {changed} changed, {total} in feed")
            }
            FeedStatus::NotModified => "not modified".into(),
            FeedStatus::RateLimited => {
                failed += 1;
                "rate limited".into()
            }
            FeedStatus::Gone => "gone".into(),
            FeedStatus::Failed(err) => {
                failed += 1;
                format!("error: {err}")
            }
        };
        if chatty {
            eprintln!("{}: {line}", super::output::terminal_safe(&report.url));
        }
    }
    eprintln!(
        "polled {} feeds: {new} new items, {failed} failed; judged {} items, {} new follow-ups, {} articles read ({} requested{}), {} new figures",
        reports.len(),
        round.judged,
        round.matched,
        round.articles,
        round.requested,
        match round.not_asked {
            0 => String::new(),
            n => format!(", {n} failed before and not asked"),
        },
        round.figures
    );
    Ok(ExitCode::SUCCESS)
}

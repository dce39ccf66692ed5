//! `followup poll`: fetch every configured feed once now and return when the round's work is
//! stored, then report like a person would want: one line per feed that failed, by its
//! name and the short cause, and a summary that says when no feed could be read. Exit
//! status: 0 when at least one feed was read, [`NOTHING_READ`] when none could be (so cron
//! and systemd notice a poll that did nothing), 2 for config and database errors.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context as _;

use super::output;
use crate::config::Config;
use crate::digest::alert;
use crate::pipeline::{self, Context, FeedReport, FeedStatus};
use crate::store::Store;

/// The exit status of a poll that could read no feed (every one failed, was rate limited or
/// is gone). Distinct from 1 and 2 so a script can tell it from a failed command.
pub const NOTHING_READ: u8 = 3;

/// Arguments of `poll`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Set from the global `-v`: failed feeds show every cause, not only the short one.
    #[arg(skip)]
    pub verbose: bool,
}

/// Polls every feed once.
pub fn run(args: Args, config: Config, store: Store) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    let ctx = Context::new(super::shared(config), store)?;
    let bar = super::progress::bar(ctx.config.feeds.len() as u64, "feeds");
    let (reports, round) = runtime
        .block_on(async {
            let polled = pipeline::poll_all(&ctx, &|step| match step {
                pipeline::Progress::Feed(_) => bar.inc(1),
                pipeline::Progress::Stories => bar.set_message("judging items, reading articles"),
            })
            .await?;
            alert::fire(&ctx.db, &ctx.config, &ctx.fetcher).await;
            Ok::<_, pipeline::JobError>(polled)
        })
        .context("polling feeds")?;
    bar.finish_and_clear();
    let names: HashMap<&str, String> = ctx
        .config
        .feeds
        .iter()
        .map(|f| {
            (
                f.url.as_str(),
                output::feed_label(f.name.as_deref(), f.url.as_str()),
            )
        })
        .collect();
    let name_of = |report: &FeedReport| {
        names
            .get(report.url.as_str())
            .cloned()
            .unwrap_or_else(|| report.url.clone())
    };
    // In config order, as the user wrote the feeds, not in the order they finished.
    let order: HashMap<&str, usize> = ctx
        .config
        .feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.as_str(), i))
        .collect();
    let mut reports = reports;
    reports.sort_by_key(|r| order.get(r.url.as_str()).copied().unwrap_or(usize::MAX));
    let chatty = std::io::stderr().is_terminal();
    let (mut new, mut failed, mut read, mut offline) = (0, 0, 0, 0);
    for report in &reports {
        let name = output::terminal_safe(&name_of(report));
        match &report.status {
            FeedStatus::Updated {
                new: n,
                changed,
                total,
            } => {
                new += n;
                read += 1;
                if chatty {
                    eprintln!("{name}: {n} new, {changed} changed, {total} in feed");
                }
            }
            FeedStatus::NotModified => {
                read += 1;
                if chatty {
                    eprintln!("{name}: not modified");
                }
            }
            FeedStatus::RateLimited => {
                failed += 1;
                eprintln!("{name}: rate limited; asked again later");
            }
            FeedStatus::Gone => {
                eprintln!("{name}: gone (HTTP 410); not polled until its line is edited")
            }
            FeedStatus::Failed {
                cause,
                detail,
                network,
            } => {
                failed += 1;
                offline += usize::from(*network);
                let cause = output::terminal_safe(if args.verbose { detail } else { cause });
                eprintln!("{name}: {cause}");
            }
        }
    }
    for (story, cause) in &round.unread_baselines {
        eprintln!(
            "story {story}: cannot read the baseline ({}); matching on its configured entities meanwhile",
            output::terminal_safe(cause)
        );
    }
    eprintln!(
        "polled {} feeds: {read} read, {new} new items, {failed} failed; judged {} items, {} new follow-ups, {} articles read ({} requested{}), {} new figures",
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
    if !reports.is_empty() && read == 0 {
        if offline == reports.len() {
            eprintln!(
                "no feed could be reached: every one failed on the network (DNS, connection or timeout); is this machine offline or behind a proxy? `followup demo` runs the whole job offline"
            );
        } else {
            eprintln!("no feed could be read");
        }
        return Ok(ExitCode::from(NOTHING_READ));
    }
    Ok(ExitCode::SUCCESS)
}

//! `followup check`: validate the config and print what it found; opens no database.

use std::process::ExitCode;

use crate::config::{Baseline, Config};

/// Arguments of `check` (none yet).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints a summary of a config that loaded without errors.
pub fn run(_args: Args, config: &Config) -> anyhow::Result<ExitCode> {
    let s = &config.settings;
    println!("config: {} is valid", config.path.display());
    println!("database: {}", s.database.display());
    println!(
        "polling: every {} (min {}, max {}), {} at once, {} per host, timeout {}, max body {} bytes",
        humantime::format_duration(s.poll_interval),
        humantime::format_duration(s.min_interval),
        humantime::format_duration(s.max_interval),
        s.concurrency,
        s.per_host,
        humantime::format_duration(s.timeout),
        s.max_body
    );
    if let Some(max) = s.max_db_size {
        println!("database size cap: {max} bytes");
    }
    if s.allow_private_networks {
        println!("private networks: allowed");
    }
    println!("feeds: {}", config.feeds.len());
    for feed in &config.feeds {
        match &feed.name {
            Some(name) => println!("  {} ({name})", feed.url),
            None => println!("  {}", feed.url),
        }
    }
    println!("stories: {}", config.stories.len());
    for story in &config.stories {
        let baseline = match &story.baseline {
            Some(Baseline::Url(url)) => url.to_string(),
            Some(Baseline::File(path)) => path.display().to_string(),
            None => "no baseline".into(),
        };
        println!("  {}: {} ({baseline})", story.id, story.title);
        if !story.entities.is_empty() {
            println!("    entities: {}", story.entities.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `followup demo`: the main job on the world the binary carries. It serves an invented story's
//! feeds and pages from memory on 127.0.0.1, writes a config naming them, runs the real
//! `poll` pipeline once per step of the world's clock, then prints what a user looks at
//! (the follow-ups, the figures from baseline to latest with their history, the digest) and
//! checks them against what the world contains: exit 0 when they agree, 1 when they do not,
//! 2 when the demo could not run. No network, no files outside the binary.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{Duration, Utc};
use serde_json::json;

use super::output;
use crate::config;
use crate::demo::{Clock, Found, Server, Verdict, World};
use crate::digest::{self, Period};
use crate::model::FigureRow;
use crate::pipeline::{self, Context, FeedStatus};
use crate::store::MatchFilter;
use crate::story::timeline::Timeline;

/// Output forms of `demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables and the digest, for a person.
    Text,
    /// One JSON object: polls, matches, figures, digest and the check.
    Json,
}

/// Arguments of `demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the database at this path (it must not exist yet) and write a config beside it
    /// (same name, `.toml`), so `followup --config … matches` reads the run afterwards.
    /// Default: a temporary directory, removed at the end.
    #[arg(long, value_name = "PATH")]
    database: Option<PathBuf>,
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the HTML digest to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Where the run's database and config live, removed at the end when temporary.
struct Workdir {
    database: PathBuf,
    config: PathBuf,
    temporary: Option<PathBuf>,
}

impl Workdir {
    fn new(database: Option<&Path>) -> anyhow::Result<Workdir> {
        if let Some(database) = database {
            if database.exists() {
                anyhow::bail!(
                    "{} already exists: the demo starts from an empty database; remove it or name another --database",
                    database.display()
                );
            }
            let config = database.with_extension("toml");
            if config == database {
                anyhow::bail!(
                    "--database {} ends in .toml, where the demo writes its config; name it …/demo.db",
                    database.display()
                );
            }
            if config.exists() {
                anyhow::bail!(
                    "{} already exists and the demo writes its config there; remove it or name another --database",
                    config.display()
                );
            }
            // Absolute: the config beside it resolves a relative database path from its
            // own folder, which would name `sub/sub/demo.db` for `--database sub/demo.db`.
            let database = std::path::absolute(database)
                .with_context(|| format!("resolving --database {}", database.display()))?;
            let config = database.with_extension("toml");
            return Ok(Workdir {
                database,
                config,
                temporary: None,
            });
        }
        let dir = std::env::temp_dir().join(format!(
            "followup-demo-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir(&dir)
            .with_context(|| format!("creating a temporary directory {}", dir.display()))?;
        Ok(Workdir {
            database: dir.join("demo.db"),
            config: dir.join("feeds.toml"),
            temporary: Some(dir),
        })
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        if let Some(dir) = &self.temporary {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// What one poll of the demo did.
#[derive(Debug, serde::Serialize)]
struct Poll {
    hour: u32,
    feeds_read: usize,
    feeds_failed: usize,
    new_items: usize,
    judged: usize,
    new_followups: usize,
    articles: usize,
    new_figures: usize,
}

/// Runs the demo.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let world = World::embedded().context("reading the world the binary carries")?;
    // Before the run, not after it: a digest that cannot be written fails at once.
    if let Some(dir) = args.html.as_deref().and_then(Path::parent)
        && !dir.as_os_str().is_empty()
        && !dir.is_dir()
    {
        anyhow::bail!(
            "--html: {} is not a folder, so the HTML digest cannot be written there",
            dir.display()
        );
    }
    let work = Workdir::new(args.database.as_deref())?;
    let runtime = super::runtime()?;
    // The world's hour 0 lies so far back that its last poll is now: every time it states
    // (published, updated, declared) is in the past, as recorded news is.
    let clock = Clock {
        start: Utc::now() - Duration::hours(i64::from(world.last_hour()) + 1),
    };
    let server = runtime
        .block_on(Server::start(world.clone(), clock))
        .context("starting the demo's server on 127.0.0.1")?;
    let base = server.base();
    let text = config_text(&world, &base, &work.database);
    std::fs::write(&work.config, &text)
        .with_context(|| format!("writing the demo's config to {}", work.config.display()))?;
    let config = config::parse(&work.config, &text).context("reading the demo's own config")?;
    let store = super::open_store(&config)?;
    let ctx = Context::new(super::shared(config), store)?;
    let config = std::sync::Arc::clone(&ctx.config);

    eprintln!(
        "followup demo: \"{}\", an invented story told by {} outlets, served on {base}; {} polls",
        world.story.title,
        world.outlets.len(),
        world.story.steps.len()
    );
    let mut polls = Vec::new();
    for (n, &hour) in world.story.steps.iter().enumerate() {
        server.set_hour(hour);
        let (reports, round) = runtime
            .block_on(pipeline::poll_all(&ctx, &|_| {}))
            .with_context(|| format!("poll {} of the demo", n + 1))?;
        let mut poll = Poll {
            hour,
            feeds_read: 0,
            feeds_failed: 0,
            new_items: 0,
            judged: round.judged,
            new_followups: round.matched,
            articles: round.articles,
            new_figures: round.figures,
        };
        for report in &reports {
            match &report.status {
                FeedStatus::Updated { new, .. } => {
                    poll.feeds_read += 1;
                    poll.new_items += new;
                }
                FeedStatus::NotModified => poll.feeds_read += 1,
                FeedStatus::Failed { cause, .. } => {
                    poll.feeds_failed += 1;
                    eprintln!("  {}: {cause}", report.url);
                }
                FeedStatus::RateLimited | FeedStatus::Gone => poll.feeds_failed += 1,
            }
        }
        eprintln!(
            "poll {}/{} (world hour {hour:>2}): {} feeds read, {} new items; {} new follow-ups, {} articles read, {} new figures",
            n + 1,
            world.story.steps.len(),
            poll.feeds_read,
            poll.new_items,
            poll.new_followups,
            poll.articles,
            poll.new_figures
        );
        polls.push(poll);
    }
    let requests = server.requests();
    drop(ctx);
    drop(server);

    let store = super::open_readonly(&config)?;
    let story = &world.story.id;
    let rows = store
        .matches(&MatchFilter {
            story: Some(story.clone()),
            limit: world.items.len() + 1,
            ..MatchFilter::default()
        })
        .context("listing the demo's matches")?;
    let timeline = super::figures::timeline_of(&store, story)?;
    let story_config = config
        .story(story)
        .context("the demo's config lost its story")?;
    let period = Period {
        start: clock.start - Duration::hours(1),
        end: Utc::now(),
        since_previous_digest: false,
    };
    let digest = digest::build(&store, &config, &[(story_config, period)], period.end)
        .context("building the demo's digest")?;
    let verdict = world.check(&base, &found(&rows, &timeline));
    if let Some(path) = &args.html {
        super::digest::write_atomic(path, digest.render(config::DigestFormat::Html).as_bytes())
            .with_context(|| format!("writing the HTML digest to {}", path.display()))?;
        eprintln!("wrote the HTML digest to {}", path.display());
    }

    match args.format {
        Format::Json => {
            let digest: serde_json::Value =
                serde_json::from_str(&digest.render(config::DigestFormat::Json))
                    .context("reading back the digest's JSON")?;
            output::print_json(&json!({
                "story": story,
                "title": world.story.title,
                "server": base,
                "http_requests": requests,
                "database": work.temporary.is_none().then(|| work.database.display().to_string()),
                "polls": polls,
                "matches": super::matches::to_json(&rows, false),
                "figures": super::figures::to_json(story, &timeline),
                "digest": digest,
                "check": verdict,
            }))?;
        }
        Format::Text => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "\nFollow-ups found ({} items, near-duplicates shown once)\n",
                rows.len()
            )?;
            drop(out);
            super::matches::print_table(&rows, false)?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "\nFigures: baseline → latest\n")?;
            drop(out);
            super::figures::print_table(&timeline, output::Format::Table)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "\nHow each figure moved (every matched report, oldest first)\n"
            )?;
            for line in history_lines(&timeline) {
                writeln!(out, "  {line}")?;
            }
            writeln!(out, "\nDigest\n")?;
            out.write_all(digest.render(config::DigestFormat::Text).as_bytes())?;
            writeln!(out)?;
            for line in verdict_lines(&verdict) {
                writeln!(out, "{line}")?;
            }
            match &work.temporary {
                Some(_) => writeln!(
                    out,
                    "The database was temporary; keep one with `followup demo --database demo.db`."
                )?,
                None => writeln!(
                    out,
                    "Kept: {} (look again with `followup --config {} matches`, `figures`, `digest`).",
                    work.database.display(),
                    work.config.display()
                )?,
            }
        }
    }
    Ok(if verdict.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The config the demo runs on: its server's feeds and the story's baseline on it.
fn config_text(world: &World, base: &str, database: &Path) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::from(
        "# Written by `followup demo`: the feeds of its invented world, served on loopback.\n",
    );
    out.push_str("[settings]\n");
    out.push_str(&format!(
        "database = {}\n",
        quote(&database.display().to_string())
    ));
    // The world is served on 127.0.0.1, which followup refuses unless told otherwise; all
    // six outlets share that one host, so the per-host limit is raised to let them overlap.
    out.push_str("allow_private_networks = true\nper_host = 6\ntimeout = \"10s\"\n");
    for outlet in &world.outlets {
        out.push_str(&format!(
            "\n[[feed]]\nname = {}\nurl = {}\n",
            quote(&outlet.name),
            quote(&format!("{base}/{}/feed", outlet.id))
        ));
    }
    out.push_str(&format!(
        "\n[[story]]\nid = {}\ntitle = {}\nbaseline_url = {}\n",
        quote(&world.story.id),
        quote(&world.story.title),
        quote(&format!("{base}/{}", world.story.baseline))
    ));
    out
}

/// The run's results as the check reads them.
fn found(rows: &[crate::model::MatchRow], timeline: &Timeline) -> Found {
    let by_kind = |m: &BTreeMap<crate::model::FigureKind, FigureRow>| {
        m.iter()
            .map(|(k, r)| (k.as_str().to_string(), r.value))
            .collect()
    };
    Found {
        matched: rows.iter().map(|m| m.url.clone()).collect(),
        baseline: by_kind(&timeline.baseline),
        latest: by_kind(&timeline.latest),
        disputed: timeline
            .disputed
            .keys()
            .map(|k| k.as_str().to_string())
            .collect(),
    }
}

/// "killed: 12 (baseline) → 15 → 17 → 21": each kind's values in the order they were
/// reported, repeats folded.
fn history_lines(timeline: &Timeline) -> Vec<String> {
    let mut kinds: BTreeMap<crate::model::FigureKind, Vec<String>> = BTreeMap::new();
    for (kind, row) in &timeline.baseline {
        kinds
            .entry(*kind)
            .or_default()
            .push(format!("{} (baseline)", super::figures::phrase(row)));
    }
    for row in &timeline.history {
        let values = kinds.entry(row.kind).or_default();
        let phrase = super::figures::phrase(row);
        let last = values.last().map(|v| v.trim_end_matches(" (baseline)"));
        if last != Some(phrase.as_str()) {
            values.push(phrase);
        }
    }
    kinds
        .into_iter()
        .map(|(kind, values)| format!("{}: {}", kind.as_str(), values.join(" → ")))
        .collect()
}

/// The check in words.
fn verdict_lines(verdict: &Verdict) -> Vec<String> {
    let mut out = vec![format!(
        "Check against the world: {} of {} follow-ups found, {} other items taken for follow-ups, {}.",
        verdict.found,
        verdict.followups,
        verdict.wrong.len(),
        if verdict.figures.is_empty() {
            "figures as the world states them"
        } else {
            "figures differ"
        }
    )];
    out.extend(verdict.missed.iter().map(|t| format!("  missed: {t}")));
    out.extend(
        verdict
            .wrong
            .iter()
            .map(|t| format!("  not a follow-up: {t}")),
    );
    out.extend(verdict.figures.iter().map(|f| format!("  {f}")));
    if !verdict.ok {
        out.push("The pipeline did not find what the world contains (exit status 1).".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_is_valid_and_names_every_outlet() {
        let world = World::embedded().unwrap();
        let text = config_text(
            &world,
            "http://127.0.0.1:4000",
            Path::new("/tmp/d \"x\".db"),
        );
        let config = config::parse(Path::new("/demo/feeds.toml"), &text).unwrap();
        assert_eq!(config.feeds.len(), world.outlets.len());
        assert_eq!(config.stories.len(), 1);
        assert!(config.settings.allow_private_networks);
        assert_eq!(
            config.settings.database,
            PathBuf::from("/tmp/d \"x\".db"),
            "a path with quotes survives TOML quoting"
        );
    }
}

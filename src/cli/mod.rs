//! The command-line interface: the clap definition, one file per command, and output
//! rendering. Commands load the config and open the database once and pass them down.

mod check;
mod completions;
mod demo;
mod digest;
mod extract;
mod features;
mod feeds;
mod figures;
mod items;
mod man;
mod matches;
mod opml;
pub mod output;
mod poll;
mod progress;
mod prune;
mod rematch;
mod run;
mod since;
mod stories;
mod track;
mod verdict;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::{self, Config};
use crate::store::Store;

/// followup: track follow-up coverage of news stories.
#[derive(Debug, Parser)]
#[command(name = "followup", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: $FOLLOWUP_CONFIG, ./feeds.toml, $XDG_CONFIG_HOME/followup/feeds.toml,
    /// /etc/followup/feeds.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// More log output (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole job offline on an invented story the binary carries, and check it (exit 1
    /// when the pipeline misses what that world holds).
    Demo(demo::Args),
    /// Fetch every configured feed once now and store what is new (exit 3 when no feed could
    /// be read).
    Poll(poll::Args),
    /// Run the daemon: poll each feed on its schedule until SIGINT/SIGTERM.
    Run(run::Args),
    /// List stored items, newest first.
    Items(items::Args),
    /// List configured feeds with their health.
    Feeds(feeds::Args),
    /// List stored follow-ups of stories, newest first.
    Matches(matches::Args),
    /// Show each story's casualty figures: baseline, latest, change and history.
    Figures(figures::Args),
    /// List stories with their entities, weights, match count and last match.
    Stories(stories::Args),
    /// Read a baseline article, show what it teaches, and add it to the config as a story.
    Track(track::Args),
    /// Re-judge every stored item after a story's entities or aliases changed.
    Rematch(rematch::Args),
    /// Measure every stored item of a story at both stages and print the evidence (JSON lines).
    Features(features::Args),
    /// Mark an item as a follow-up of a story, whatever the automatic judgement says.
    Confirm(verdict::Args),
    /// Mark an item as not a follow-up of a story, whatever the automatic judgement says.
    Reject(verdict::Args),
    /// What changed in each story since the previous digest: print, write or mail it.
    Digest(digest::Args),
    /// Validate the config and print what it found.
    Check(check::Args),
    /// Show the main text, times, entities and figures followup reads from one page.
    Extract(extract::Args),
    /// Print a shell completion script (bash, zsh, fish, ...).
    Completions(completions::Args),
    /// Print the followup(1) man page (roff).
    Man(man::Args),
    /// Add the feeds of an OPML file to the config (names and folders kept, known URLs skipped).
    ImportOpml(opml::ImportArgs),
    /// Print the configured feeds as OPML 2.0.
    ExportOpml(opml::ExportArgs),
    /// Remove old unmatched items and article text no story needs (matches and figures stay).
    Prune(prune::Args),
}

/// How much a command logs at the default level: what it prints itself it need not log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chatter {
    /// Info and above.
    Normal,
    /// The command prints its own line per failed feed and unread baseline (`poll`), so
    /// those warnings are left to `-v`.
    ReportsFeeds,
    /// The command reports everything itself (`demo`): warnings and errors only.
    Quiet,
}

impl Chatter {
    /// How much `command` logs.
    pub fn of(command: &Command) -> Chatter {
        match command {
            Command::Poll(_) => Chatter::ReportsFeeds,
            Command::Demo(_) => Chatter::Quiet,
            _ => Chatter::Normal,
        }
    }
}

/// Starts logging to stderr; `RUST_LOG` wins over `-v`. When stderr is the journal stream
/// systemd set up, lines carry no colours or timestamps (journald stamps them) and start
/// with a `<N>` syslog priority, which journald turns into the entry's priority
/// (`SyslogLevelPrefix=`, on by default), so `journalctl -p warning` finds the problems.
pub fn init_tracing(verbose: u8, chatter: Chatter) {
    use tracing_subscriber::EnvFilter;
    let default = match (verbose, chatter) {
        (0, Chatter::Normal) => "followup=info".to_string(),
        (0, Chatter::ReportsFeeds) => format!(
            "followup=info,followup::pipeline::feed=error,{}=error",
            crate::pipeline::stories::BASELINE_TARGET
        ),
        (0, Chatter::Quiet) => "followup=warn".to_string(),
        (1, _) => "followup=debug".to_string(),
        _ => "followup=trace".to_string(),
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let journal = stderr_is_journal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(!journal && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = if journal {
        let format = tracing_subscriber::fmt::format()
            .with_target(false)
            .with_ansi(false)
            .without_time();
        builder.event_format(Prioritised(format)).try_init()
    } else {
        builder.try_init()
    };
}

/// An event format that puts the event's syslog priority (`<3>` error … `<7>` debug) before
/// what the inner format writes.
struct Prioritised<F>(F);

impl<S, N, F> tracing_subscriber::fmt::FormatEvent<S, N> for Prioritised<F>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
    F: tracing_subscriber::fmt::FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        write!(writer, "<{}>", syslog_priority(*event.metadata().level()))?;
        self.0.format_event(ctx, writer, event)
    }
}

/// The syslog priority of a `tracing` level (syslog has no level below debug).
fn syslog_priority(level: tracing::Level) -> u8 {
    match level {
        tracing::Level::ERROR => 3,
        tracing::Level::WARN => 4,
        tracing::Level::INFO => 6,
        tracing::Level::DEBUG | tracing::Level::TRACE => 7,
    }
}

/// Whether stderr is the journal stream systemd connected: `JOURNAL_STREAM` names its
/// `device:inode`. A shell started by a user service inherits the variable with another
/// stderr, and must keep ordinary lines (systemd.exec(5), `$JOURNAL_STREAM`).
fn stderr_is_journal() -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::MetadataExt as _;
    let Some(stream) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = stream.to_str().and_then(|s| s.split_once(':')) else {
        return false;
    };
    let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else {
        return false;
    };
    let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .is_ok_and(|meta| meta.dev() == dev && meta.ino() == ino)
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config_path = cli.config.as_deref();
    match cli.command {
        Command::Extract(args) => extract::run(args, config_path),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Check(args) => check::run(args, &load_config(config_path)?),
        Command::ImportOpml(args) => opml::import(args, config_path),
        Command::ExportOpml(args) => opml::export(args, &load_config(config_path)?),
        Command::Poll(mut args) => {
            args.verbose = cli.verbose > 0;
            let config = load_config(config_path)?;
            let store = open_store(&config)?;
            poll::run(args, config, store)
        }
        Command::Run(args) => {
            let config = load_config(config_path)?;
            let store = open_store(&config)?;
            run::run(args, config, store)
        }
        Command::Items(args) => {
            let config = load_config(config_path)?;
            items::run(args, &config, &open_readonly(&config)?)
        }
        Command::Matches(args) => {
            let config = load_config(config_path)?;
            matches::run(args, &config, &open_readonly(&config)?)
        }
        Command::Figures(args) => {
            let config = load_config(config_path)?;
            figures::run(args, &config, &open_readonly(&config)?)
        }
        Command::Stories(args) => {
            let config = load_config(config_path)?;
            stories::run(args, &config, &open_readonly(&config)?)
        }
        Command::Track(args) => track::run(args, config_path),
        Command::Rematch(args) => {
            let config = load_config(config_path)?;
            let store = open_store(&config)?;
            rematch::run(args, config, store)
        }
        Command::Features(args) => {
            let config = load_config(config_path)?;
            let store = open_store(&config)?;
            features::run(args, config, store)
        }
        Command::Confirm(args) => {
            let config = load_config(config_path)?;
            let mut store = open_store(&config)?;
            verdict::run(args, crate::model::Verdict::Confirmed, &config, &mut store)
        }
        Command::Reject(args) => {
            let config = load_config(config_path)?;
            let mut store = open_store(&config)?;
            verdict::run(args, crate::model::Verdict::Rejected, &config, &mut store)
        }
        Command::Digest(args) => {
            let config = load_config(config_path)?;
            digest::run(args, &config, &mut open_store(&config)?)
        }
        Command::Prune(args) => {
            let config = load_config(config_path)?;
            prune::run(args, &mut open_store(&config)?)
        }
        Command::Feeds(args) => {
            let config = load_config(config_path)?;
            feeds::run(args, &config, &open_readonly(&config)?)
        }
    }
}

fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<Config> {
    let path = config::locate(path)?;
    Ok(config::load(&path)?)
}

fn open_store(config: &Config) -> anyhow::Result<Store> {
    let mut store = Store::open(&config.settings.database).with_context(|| {
        format!(
            "opening the database named by {} (settings.database)",
            config.path.display()
        )
    })?;
    store
        .limit_size(config.settings.max_db_size)
        .context("applying settings.max_db_size")?;
    Ok(store)
}

/// Opens the database for a command that only reads: no migration, no lock held against the
/// daemon, nothing written (see `Store::open_readonly`).
fn open_readonly(config: &Config) -> anyhow::Result<Store> {
    Store::open_readonly(&config.settings.database).with_context(|| {
        format!(
            "reading the database named by {} (settings.database)",
            config.path.display()
        )
    })
}

/// A multi-threaded runtime for commands that do network I/O.
/// Whether a command-line source names a web page rather than a file.
fn looks_like_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Sets two glibc allocator parameters before the runtime starts its threads.
///
/// - Response bodies up to `max_body` (10 MiB) come and go for as long as the daemon runs.
///   glibc serves a large allocation with its own mapping, returned to the system when freed,
///   but after the first such free it raises its threshold to that size and serves the next
///   ones from per-thread arenas, which keep the freed memory: a minute of hostile 10 MiB
///   bodies then left the daemon 30 MiB larger than a fixed threshold does (measured by the
///   fault-server test). Pinning the threshold keeps every body past 256 KiB a mapping.
/// - Items are built on the parsing threads and freed on others; with glibc's default of
///   eight arenas per core each arena kept its own freed pieces, and the 1,000-feed cold poll
///   peaked 5 MB higher (40 MB against 35) than with four arenas, at the same speed.
fn tune_allocator() {
    #[cfg(target_env = "gnu")]
    {
        // SAFETY: mallopt only sets allocator parameters; it is called before the runtime
        // starts its threads, and a refusal (0) leaves glibc's default in place.
        unsafe {
            let _ = libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
            let _ = libc::mallopt(libc::M_ARENA_MAX, 4);
        }
    }
}

/// The story a command is about: the one named, or the only one configured.
fn pick_story(config: &Config, named: Option<&str>) -> anyhow::Result<String> {
    let ids: Vec<&str> = config.stories.iter().map(|s| s.id.as_str()).collect();
    match named {
        Some(id) if ids.contains(&id) => Ok(id.to_string()),
        Some(id) => anyhow::bail!(
            "no story {id:?} in {} (stories: {})",
            config.path.display(),
            ids.join(", ")
        ),
        None if ids.len() == 1 => Ok(ids[0].to_string()),
        None if ids.is_empty() => {
            anyhow::bail!("no [[story]] in {}", config.path.display())
        }
        None => anyhow::bail!(
            "several stories are configured; pick one with --story ({})",
            ids.join(", ")
        ),
    }
}

/// Shares a config across tasks.
fn shared(config: Config) -> Arc<Config> {
    Arc::new(config)
}

/// The message for a failed command: the error, then each cause once, outermost first.
pub fn describe(err: &anyhow::Error) -> String {
    crate::chain::text(err.as_ref())
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot open database /x.db")]
    struct Outer {
        source: std::io::Error,
    }

    #[test]
    fn each_cause_is_said_once() {
        let inner = std::io::Error::other("no space left");
        let err = anyhow::Error::new(Outer { source: inner }).context("opening the database");
        assert_eq!(
            describe(&err),
            "opening the database: cannot open database /x.db: no space left"
        );
        let plain = anyhow::anyhow!("bad line").context("reading feeds.toml");
        assert_eq!(describe(&plain), "reading feeds.toml: bad line");
    }
}

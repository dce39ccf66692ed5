//! feeds.toml: the serde types, where the file is looked for, and validation.
//!
//! The file is read once and validated as a whole; every error names the file, the line and
//! the key, so a typo is found without guessing. Defaults are documented on each field.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::model::{FeedLine, FigureKind, Qualifier};

/// The default per-feed polling interval.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// A configuration problem, located in the file when it can be.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}")]
    Read {
        /// The file that was tried.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The file was read but a line in it is wrong.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// No config file was given and none exists in the default places.
    #[error("no config file found (tried {tried}); pass --config PATH or set FOLLOWUP_CONFIG")]
    NotFound {
        /// The places looked at, in order.
        tried: String,
    },
}

/// The validated configuration: settings, feeds and stories.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from; relative paths inside it are relative to its folder.
    pub path: PathBuf,
    /// Global settings with defaults filled in.
    pub settings: Settings,
    /// Feeds in file order.
    pub feeds: Vec<FeedConfig>,
    /// Stories in file order.
    pub stories: Vec<StoryConfig>,
    /// How digests are made and mailed (`[digest]`).
    pub digest: DigestConfig,
}

/// Global settings (`[settings]`), every key optional.
#[derive(Debug, Clone)]
pub struct Settings {
    /// SQLite database path; default `$STATE_DIRECTORY/followup.db`, else the XDG state dir.
    pub database: PathBuf,
    /// Default per-feed interval (`poll_interval`, default 15m).
    pub poll_interval: Duration,
    /// Shortest interval the scheduler allows (`min_interval`, default 5m).
    pub min_interval: Duration,
    /// Longest interval the scheduler allows (`max_interval`, default 24h).
    pub max_interval: Duration,
    /// Feeds fetched at once (`concurrency`, default 16).
    pub concurrency: usize,
    /// Requests at once to one registrable domain (`per_host`, default 2).
    pub per_host: usize,
    /// Whole-request timeout (`timeout`, default 30s).
    pub timeout: Duration,
    /// Largest response body accepted, after decompression (`max_body`, default 10MiB).
    pub max_body: u64,
    /// The User-Agent header sent with every request.
    pub user_agent: String,
    /// Whether loopback and private addresses may be fetched (`allow_private_networks`, default false).
    pub allow_private_networks: bool,
    /// How long old unmatched items are kept; the daemon prunes daily (`retention`, default off).
    pub retention: Option<Duration>,
    /// Where `run` serves `/metrics` and `/healthz` (`metrics`, e.g. "127.0.0.1:9464"; default off).
    pub metrics: Option<SocketAddr>,
    /// Largest the database may grow (`max_db_size`, default unlimited); past it writes fail
    /// as on a full disk, and the daemon waits for the limit to be raised.
    pub max_db_size: Option<u64>,
}

impl Default for Settings {
    /// The documented defaults, for commands that run without a config (`extract`).
    fn default() -> Settings {
        Settings {
            database: default_database(),
            poll_interval: DEFAULT_POLL_INTERVAL,
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(24 * 3600),
            concurrency: 16,
            per_host: 2,
            timeout: Duration::from_secs(30),
            max_body: 10 * 1024 * 1024,
            user_agent: default_user_agent(),
            allow_private_networks: false,
            retention: None,
            metrics: None,
            max_db_size: None,
        }
    }
}

/// One `[[feed]]` entry.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// The configured URL: the feed's identity, even after a permanent redirect.
    pub url: Url,
    /// A display name, if given.
    pub name: Option<String>,
    /// The feed's own interval, overriding `poll_interval`.
    pub interval: Option<Duration>,
}

impl FeedConfig {
    /// A stable text of the entry's settings besides its URL (the URL is the feed's
    /// identity), stored with the feed so an edit of its config line is noticed.
    pub fn fingerprint(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "interval_ms": self.interval.map(|d| d.as_millis().to_string()),
        })
        .to_string()
    }

    /// The line as the store registers it.
    pub fn line(&self) -> FeedLine {
        FeedLine {
            url: self.url.to_string(),
            name: self.name.clone(),
            fingerprint: self.fingerprint(),
        }
    }
}

/// Where a story's baseline article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// Fetched once from this URL and kept in the database.
    Url(Url),
    /// Read from a local file (resolved against the config folder).
    File(PathBuf),
}

/// One `[[story]]` entry.
#[derive(Debug, Clone)]
pub struct StoryConfig {
    /// Stable identifier, `[a-z0-9-]+`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The baseline article, if any.
    pub baseline: Option<Baseline>,
    /// Names added to what is learned from the baseline.
    pub entities: Vec<String>,
    /// Other names for an entity.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Phrases that veto a match.
    pub exclude: Vec<String>,
    /// Items published before this are not follow-ups (default: 48 h before the baseline).
    pub since: Option<DateTime<Utc>>,
    /// Items published after this are not matched any more: the story is closed.
    pub until: Option<DateTime<Utc>>,
    /// Baseline figures stated by the user, overriding what is extracted.
    pub baseline_figures: BTreeMap<FigureKind, (u64, Qualifier)>,
    /// How long matched articles are re-fetched to catch live updates (default 48h).
    pub recheck_for: Duration,
    /// A command run with each change as JSON on stdin (`on_change`: program and arguments).
    pub on_change: Vec<String>,
    /// A URL each change is POSTed to as JSON (`webhook`).
    pub webhook: Option<Url>,
}

/// The form of a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestFormat {
    /// Plain text for terminals and plain e-mail.
    #[default]
    Text,
    /// Markdown for chat and wikis.
    Markdown,
    /// A self-contained HTML page (mailed with a text alternative).
    Html,
    /// Everything, as JSON.
    Json,
}

impl DigestFormat {
    /// The lowercase name, as written in the config and recorded with a digest.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestFormat::Text => "text",
            DigestFormat::Markdown => "markdown",
            DigestFormat::Html => "html",
            DigestFormat::Json => "json",
        }
    }
}

/// Where the SMTP password comes from; never from feeds.toml itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// No password: the server needs no login.
    None,
    /// Read from this environment variable (`password_env`).
    Env(String),
    /// Read from this file, trailing newline dropped (`password_file`).
    File(PathBuf),
}

/// Digest settings (`[digest]`), every key optional until `--send` needs them.
#[derive(Debug, Clone)]
pub struct DigestConfig {
    /// `smtps://[user@]host[:port]`, `smtp://…?tls=required` (STARTTLS), or plain `smtp://`
    /// to a loopback address only.
    pub smtp_url: Option<Url>,
    /// An extra PEM trust root for the SMTP server (`smtp_ca_file`).
    pub smtp_ca_file: Option<PathBuf>,
    /// The SMTP password's source.
    pub password: Password,
    /// The sender mailbox (`from`).
    pub from: Option<String>,
    /// The recipients (`to`: one address or a list).
    pub to: Vec<String>,
    /// The mailed form (`format`, default html: mailed with a text alternative).
    pub format: DigestFormat,
    /// The mail subject (`subject`, default "followup digest: <stories>, <date>").
    pub subject: Option<String>,
}

impl Default for DigestConfig {
    fn default() -> DigestConfig {
        DigestConfig {
            smtp_url: None,
            smtp_ca_file: None,
            password: Password::None,
            from: None,
            to: Vec::new(),
            format: DigestFormat::Html,
            subject: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    feed: Vec<RawFeed>,
    #[serde(default)]
    story: Vec<RawStory>,
    digest: Option<Spanned<RawDigest>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDigest {
    smtp_url: Option<Spanned<String>>,
    smtp_ca_file: Option<String>,
    password_env: Option<Spanned<String>>,
    password_file: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<OneOrMany>>,
    format: Option<DigestFormat>,
    subject: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    database: Option<Spanned<String>>,
    poll_interval: Option<Spanned<String>>,
    min_interval: Option<Spanned<String>>,
    max_interval: Option<Spanned<String>>,
    concurrency: Option<Spanned<i64>>,
    per_host: Option<Spanned<i64>>,
    timeout: Option<Spanned<String>>,
    max_body: Option<Spanned<String>>,
    user_agent: Option<String>,
    allow_private_networks: Option<bool>,
    retention: Option<Spanned<String>>,
    metrics: Option<Spanned<String>>,
    max_db_size: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: Spanned<String>,
    name: Option<String>,
    interval: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStory {
    id: Spanned<String>,
    title: String,
    baseline_url: Option<Spanned<String>>,
    baseline_file: Option<String>,
    #[serde(default)]
    entities: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    since: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    #[serde(default)]
    baseline_figures: BTreeMap<Spanned<String>, Spanned<String>>,
    recheck_for: Option<Spanned<String>>,
    on_change: Option<Spanned<Vec<String>>>,
    webhook: Option<Spanned<String>>,
}

/// Finds the config file: `--config`, else `$FOLLOWUP_CONFIG`, else `./feeds.toml`, else
/// `$XDG_CONFIG_HOME/followup/feeds.toml`, else `/etc/followup/feeds.toml`.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("FOLLOWUP_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let mut tried = vec![PathBuf::from("feeds.toml")];
    if let Some(dir) = xdg_dir("XDG_CONFIG_HOME", ".config") {
        tried.push(dir.join("followup").join("feeds.toml"));
    }
    tried.push(PathBuf::from("/etc/followup/feeds.toml"));
    if let Some(found) = tried.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    Err(ConfigError::NotFound {
        tried: tried
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Reads and validates the config file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parses and validates config text; `path` names the file in errors and anchors relative paths.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let here = Located { path, text };
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let span = err.span().unwrap_or(0..0);
        here.error(span, err.message().to_string())
    })?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let settings = settings(&here, &dir, raw.settings)?;
    let feeds = feeds(&here, raw.feed)?;
    let stories = stories(&here, &dir, raw.story)?;
    let digest = match raw.digest {
        Some(d) => digest(&here, &dir, d)?,
        None => DigestConfig::default(),
    };
    Ok(Config {
        path: path.to_path_buf(),
        settings,
        feeds,
        stories,
        digest,
    })
}

impl Config {
    /// The story with this id, if configured.
    pub fn story(&self, id: &str) -> Option<&StoryConfig> {
        self.stories.iter().find(|s| s.id == id)
    }
}

/// The config text with its path, for turning byte spans into `file:line:column` errors.
struct Located<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Located<'_> {
    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        let start = span.start.min(self.text.len());
        let before = self.text.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
            before[nl + 1..].chars().count()
        }) + 1;
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    fn duration(&self, key: &str, value: &Spanned<String>) -> Result<Duration, ConfigError> {
        let parsed = humantime::parse_duration(value.get_ref().trim()).map_err(|err| {
            self.error(
                value.span(),
                format!("{key}: invalid duration {:?}: {err}", value.get_ref()),
            )
        })?;
        if parsed.is_zero() {
            return Err(self.error(value.span(), format!("{key}: must be longer than zero")));
        }
        Ok(parsed)
    }

    /// An `IP:port` to listen on; a host name is refused, since which address it resolves
    /// to would decide who can reach the endpoint.
    fn socket_addr(&self, key: &str, value: &Spanned<String>) -> Result<SocketAddr, ConfigError> {
        value.get_ref().trim().parse().map_err(|_| {
            self.error(
                value.span(),
                format!(
                    "{key}: {:?} is not an address and port (like \"127.0.0.1:9464\" or \"[::1]:9464\")",
                    value.get_ref()
                ),
            )
        })
    }

    /// A byte size such as `"10MiB"`, larger than zero; `None` when the key is absent.
    fn size(&self, key: &str, value: &Option<Spanned<String>>) -> Result<Option<u64>, ConfigError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let parsed = value
            .get_ref()
            .trim()
            .parse::<bytesize::ByteSize>()
            .map_err(|err| {
                self.error(
                    value.span(),
                    format!("{key}: invalid size {:?}: {err}", value.get_ref()),
                )
            })?
            .as_u64();
        if parsed == 0 {
            return Err(self.error(value.span(), format!("{key}: must be larger than zero")));
        }
        Ok(Some(parsed))
    }

    fn count(&self, key: &str, value: &Spanned<i64>) -> Result<usize, ConfigError> {
        match usize::try_from(*value.get_ref()) {
            Ok(n) if (1..=10_000).contains(&n) => Ok(n),
            _ => Err(self.error(
                value.span(),
                format!(
                    "{key}: must be between 1 and 10000, not {}",
                    value.get_ref()
                ),
            )),
        }
    }

    fn time(&self, key: &str, value: &Spanned<String>) -> Result<DateTime<Utc>, ConfigError> {
        parse_time(value.get_ref()).ok_or_else(|| {
            self.error(
                value.span(),
                format!(
                    "{key}: invalid time {:?} (use RFC 3339, e.g. 2024-03-22T18:00:00Z, or a date)",
                    value.get_ref()
                ),
            )
        })
    }

    fn http_url(&self, key: &str, value: &Spanned<String>) -> Result<Url, ConfigError> {
        let url = Url::parse(value.get_ref().trim()).map_err(|err| {
            self.error(
                value.span(),
                format!("{key}: invalid URL {:?}: {err}", value.get_ref()),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(self.error(
                value.span(),
                format!(
                    "{key}: only http and https URLs can be fetched, not {:?}",
                    url.scheme()
                ),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(self.error(value.span(), format!("{key}: URL has no host")));
        }
        Ok(url)
    }
}

/// Parses an RFC 3339 time or a bare date (midnight UTC).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn settings(here: &Located, dir: &Path, raw: RawSettings) -> Result<Settings, ConfigError> {
    let duration = |key: &str, value: &Option<Spanned<String>>, default: Duration| {
        value
            .as_ref()
            .map_or(Ok(default), |v| here.duration(key, v))
    };
    let database = match &raw.database {
        Some(db) if db.get_ref().trim().is_empty() => {
            return Err(here.error(db.span(), "database: must not be empty".into()));
        }
        Some(db) => dir.join(db.get_ref()),
        None => default_database(),
    };
    let max_body = here
        .size("max_body", &raw.max_body)?
        .unwrap_or(10 * 1024 * 1024);
    let max_db_size = here.size("max_db_size", &raw.max_db_size)?;
    let min_interval = duration(
        "min_interval",
        &raw.min_interval,
        Duration::from_secs(5 * 60),
    )?;
    let max_interval = duration(
        "max_interval",
        &raw.max_interval,
        Duration::from_secs(24 * 3600),
    )?;
    if min_interval > max_interval {
        let span = raw.min_interval.as_ref().map_or(0..0, Spanned::span);
        return Err(here.error(
            span,
            "min_interval: must not be longer than max_interval".into(),
        ));
    }
    Ok(Settings {
        database,
        poll_interval: duration("poll_interval", &raw.poll_interval, DEFAULT_POLL_INTERVAL)?,
        min_interval,
        max_interval,
        concurrency: raw
            .concurrency
            .as_ref()
            .map_or(Ok(16), |v| here.count("concurrency", v))?,
        per_host: raw
            .per_host
            .as_ref()
            .map_or(Ok(2), |v| here.count("per_host", v))?,
        timeout: duration("timeout", &raw.timeout, Duration::from_secs(30))?,
        max_body,
        user_agent: raw.user_agent.unwrap_or_else(default_user_agent),
        allow_private_networks: raw.allow_private_networks.unwrap_or(false),
        retention: raw
            .retention
            .as_ref()
            .map(|v| here.duration("retention", v))
            .transpose()?,
        metrics: raw
            .metrics
            .as_ref()
            .map(|v| here.socket_addr("metrics", v))
            .transpose()?,
        max_db_size,
    })
}

fn feeds(here: &Located, raw: Vec<RawFeed>) -> Result<Vec<FeedConfig>, ConfigError> {
    let mut seen = HashSet::new();
    let mut feeds = Vec::with_capacity(raw.len());
    for feed in raw {
        let url = here.http_url("feed.url", &feed.url)?;
        if !seen.insert(url.clone()) {
            return Err(here.error(
                feed.url.span(),
                format!("feed.url: duplicate feed {url} (each feed may appear once)"),
            ));
        }
        let interval = feed
            .interval
            .as_ref()
            .map(|v| here.duration("feed.interval", v))
            .transpose()?;
        feeds.push(FeedConfig {
            url,
            name: feed.name.filter(|n| !n.trim().is_empty()),
            interval,
        });
    }
    Ok(feeds)
}

fn stories(
    here: &Located,
    dir: &Path,
    raw: Vec<RawStory>,
) -> Result<Vec<StoryConfig>, ConfigError> {
    let mut seen = HashSet::new();
    let mut stories = Vec::with_capacity(raw.len());
    for story in raw {
        let id = story.id.get_ref().clone();
        let valid_id = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_id {
            return Err(here.error(
                story.id.span(),
                format!("story.id: {id:?} must be lowercase letters, digits and '-'"),
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(here.error(story.id.span(), format!("story.id: duplicate story {id:?}")));
        }
        let baseline = match (&story.baseline_url, &story.baseline_file) {
            (Some(_), Some(_)) => {
                return Err(here.error(
                    story.id.span(),
                    format!("story {id:?}: give baseline_url or baseline_file, not both"),
                ));
            }
            (Some(url), None) => Some(Baseline::Url(here.http_url("story.baseline_url", url)?)),
            (None, Some(file)) => Some(Baseline::File(dir.join(file))),
            (None, None) => None,
        };
        let entities: Vec<String> = story
            .entities
            .into_iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        if baseline.is_none() && entities.is_empty() {
            return Err(here.error(
                story.id.span(),
                format!(
                    "story {id:?}: needs baseline_url, baseline_file or entities to know what to follow"
                ),
            ));
        }
        let since = story
            .since
            .as_ref()
            .map(|v| here.time("story.since", v))
            .transpose()?;
        let until = story
            .until
            .as_ref()
            .map(|v| here.time("story.until", v))
            .transpose()?;
        let mut baseline_figures = BTreeMap::new();
        for (kind, value) in &story.baseline_figures {
            let parsed_kind = FigureKind::parse(kind.get_ref()).ok_or_else(|| {
                here.error(
                    kind.span(),
                    format!(
                        "story.baseline_figures: unknown kind {:?} (killed, injured, missing, arrested)",
                        kind.get_ref()
                    ),
                )
            })?;
            let figure = parse_figure(value.get_ref()).ok_or_else(|| {
                here.error(
                    value.span(),
                    format!(
                        "story.baseline_figures.{}: cannot read {:?} (e.g. \"at least 42\", \"4\")",
                        kind.get_ref(),
                        value.get_ref()
                    ),
                )
            })?;
            baseline_figures.insert(parsed_kind, figure);
        }
        let recheck_for = story
            .recheck_for
            .as_ref()
            .map_or(Ok(Duration::from_secs(48 * 3600)), |v| {
                here.duration("story.recheck_for", v)
            })?;
        let on_change = match &story.on_change {
            Some(cmd) if cmd.get_ref().first().is_none_or(|p| p.trim().is_empty()) => {
                return Err(here.error(
                    cmd.span(),
                    "story.on_change: give the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--urgent\"]".into(),
                ));
            }
            Some(cmd) => {
                let mut cmd = cmd.get_ref().clone();
                // A relative program path is relative to the config, like every other path.
                if cmd[0].contains('/') && Path::new(&cmd[0]).is_relative() {
                    cmd[0] = dir.join(&cmd[0]).display().to_string();
                }
                cmd
            }
            None => Vec::new(),
        };
        let webhook = story
            .webhook
            .as_ref()
            .map(|v| here.http_url("story.webhook", v))
            .transpose()?;
        stories.push(StoryConfig {
            id,
            title: story.title,
            baseline,
            entities,
            aliases: story.aliases,
            exclude: story.exclude,
            since,
            until,
            baseline_figures,
            recheck_for,
            on_change,
            webhook,
        });
    }
    Ok(stories)
}

fn digest(
    here: &Located,
    dir: &Path,
    raw: Spanned<RawDigest>,
) -> Result<DigestConfig, ConfigError> {
    let span = raw.span();
    let raw = raw.into_inner();
    let smtp_url = raw
        .smtp_url
        .as_ref()
        .map(|v| smtp_url(here, v))
        .transpose()?;
    let password = match (raw.password_env, raw.password_file) {
        (Some(_), Some(file)) => {
            return Err(here.error(
                file.span(),
                "digest: give password_env or password_file, not both".into(),
            ));
        }
        (Some(var), None) if var.get_ref().trim().is_empty() => {
            return Err(here.error(var.span(), "digest.password_env: must not be empty".into()));
        }
        (Some(var), None) => Password::Env(var.into_inner().trim().to_string()),
        (None, Some(file)) if file.get_ref().trim().is_empty() => {
            return Err(here.error(
                file.span(),
                "digest.password_file: must not be empty".into(),
            ));
        }
        (None, Some(file)) => Password::File(dir.join(file.get_ref().trim())),
        (None, None) => Password::None,
    };
    let mailbox = |key: &str, value: &str, span: Range<usize>| {
        // A full check happens when mailing; this catches the obvious slip early.
        if value.contains('@') && !value.contains(['\r', '\n']) {
            Ok(value.trim().to_string())
        } else {
            Err(here.error(span, format!("{key}: {value:?} is not an e-mail address")))
        }
    };
    let from = raw
        .from
        .as_ref()
        .map(|f| mailbox("digest.from", f.get_ref(), f.span()))
        .transpose()?;
    let to = match &raw.to {
        Some(to) => {
            let list = match to.get_ref() {
                OneOrMany::One(one) => vec![one.clone()],
                OneOrMany::Many(many) => many.clone(),
            };
            if list.is_empty() {
                return Err(here.error(to.span(), "digest.to: no recipient given".into()));
            }
            list.iter()
                .map(|a| mailbox("digest.to", a, to.span()))
                .collect::<Result<Vec<_>, _>>()?
        }
        None => Vec::new(),
    };
    if smtp_url.is_some() && (from.is_none() || to.is_empty()) {
        return Err(here.error(span, "digest: smtp_url needs from and to as well".into()));
    }
    Ok(DigestConfig {
        smtp_url,
        smtp_ca_file: raw
            .smtp_ca_file
            .filter(|f| !f.trim().is_empty())
            .map(|f| dir.join(f.trim())),
        password,
        from,
        to,
        format: raw.format.unwrap_or(DigestFormat::Html),
        subject: raw.subject.filter(|s| !s.trim().is_empty()),
    })
}

/// An SMTP URL that never sends a password in the clear: `smtps://`, STARTTLS required, or
/// plain SMTP to this machine only.
fn smtp_url(here: &Located, value: &Spanned<String>) -> Result<Url, ConfigError> {
    let fail = |message: String| here.error(value.span(), format!("digest.smtp_url: {message}"));
    let url = Url::parse(value.get_ref().trim())
        .map_err(|err| fail(format!("invalid URL {:?}: {err}", value.get_ref())))?;
    if url.password().is_some() {
        return Err(fail(
            "must not carry a password; use password_env or password_file".into(),
        ));
    }
    let host = match url.host() {
        Some(host) => host,
        None => return Err(fail("URL has no host".into())),
    };
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let loopback = match host {
        // Non-special schemes keep IPv4 addresses as opaque host text.
        url::Host::Domain(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match (url.scheme(), tls.as_deref()) {
        ("smtps", None) => Ok(url),
        ("smtp", Some("required")) => Ok(url),
        ("smtp", None) if loopback => Ok(url),
        ("smtp", None) => Err(fail(
            "plain smtp:// is allowed only to a loopback address; use smtps:// or smtp://…?tls=required"
                .into(),
        )),
        (scheme, tls) => Err(fail(format!(
            "unsupported scheme {scheme:?} or tls={tls:?} (smtps://, smtp://…?tls=required)"
        ))),
    }
}

/// Reads a figure written by a person: "at least 42", "more than 100", "4".
fn parse_figure(text: &str) -> Option<(u64, Qualifier)> {
    let text = text.trim().to_lowercase();
    let prefixes = [
        ("at least ", Qualifier::AtLeast),
        ("more than ", Qualifier::MoreThan),
        ("over ", Qualifier::MoreThan),
        ("about ", Qualifier::About),
        ("around ", Qualifier::About),
        ("nearly ", Qualifier::Nearly),
        ("almost ", Qualifier::Nearly),
        ("up to ", Qualifier::UpTo),
    ];
    let (rest, qualifier) = prefixes
        .iter()
        .find_map(|(p, q)| text.strip_prefix(p).map(|rest| (rest, *q)))
        .unwrap_or((text.as_str(), Qualifier::Exact));
    let digits: String = rest.chars().filter(|c| *c != ',' && *c != '_').collect();
    digits.trim().parse().ok().map(|v| (v, qualifier))
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(fallback)))
}

fn default_database() -> PathBuf {
    if let Some(dir) = std::env::var_os("STATE_DIRECTORY").filter(|v| !v.is_empty()) {
        // systemd may pass several colon-separated directories; the first is ours.
        let first = dir
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or("")
            .to_string();
        return PathBuf::from(first).join("followup.db");
    }
    xdg_dir("XDG_STATE_HOME", ".local/state")
        .unwrap_or_else(|| PathBuf::from("."))
        .join("followup")
        .join("followup.db")
}

/// The User-Agent sent when the config sets none: names the tool and where to learn about it.
pub fn default_user_agent() -> String {
    format!(
        "followup/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_REPOSITORY")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/etc/feeds.toml"), text)
    }

    fn message(text: &str) -> String {
        match parse_str(text) {
            Ok(_) => panic!("config was accepted: {text}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn defaults_fill_every_setting() {
        let config = parse_str("[[feed]]\nurl = \"https://example.com/rss\"\n").unwrap();
        assert_eq!(config.settings.poll_interval, DEFAULT_POLL_INTERVAL);
        assert_eq!(config.settings.concurrency, 16);
        assert_eq!(config.settings.per_host, 2);
        assert_eq!(config.settings.max_body, 10 * 1024 * 1024);
        assert!(!config.settings.allow_private_networks);
        assert_eq!(config.feeds.len(), 1);
    }

    #[test]
    fn retention_is_off_by_default_and_a_duration_when_set() {
        assert_eq!(parse_str("").unwrap().settings.retention, None);
        let config = parse_str("[settings]\nretention = \"90d\"\n").unwrap();
        assert_eq!(
            config.settings.retention,
            Some(Duration::from_secs(90 * 86_400))
        );
        let msg = message("[settings]\nretention = \"soon\"\n");
        assert!(
            msg.contains("/etc/feeds.toml:2:") && msg.contains("retention"),
            "{msg}"
        );
    }

    #[test]
    fn metrics_is_off_by_default_and_a_socket_address_when_set() {
        assert_eq!(parse_str("").unwrap().settings.metrics, None);
        let config = parse_str("[settings]\nmetrics = \"127.0.0.1:9464\"\n").unwrap();
        assert_eq!(
            config.settings.metrics,
            Some(SocketAddr::from(([127, 0, 0, 1], 9464)))
        );
        let config = parse_str("[settings]\nmetrics = \"[::1]:0\"\n").unwrap();
        assert_eq!(config.settings.metrics.map(|a| a.port()), Some(0));
        for bad in ["localhost:9464", "127.0.0.1", "127.0.0.1:99999", ""] {
            let msg = message(&format!("[settings]\nmetrics = {bad:?}\n"));
            assert!(
                msg.starts_with("/etc/feeds.toml:2:11:") && msg.contains("metrics:"),
                "{bad}: {msg}"
            );
        }
        let msg = message("[settings]\nmetrics = 9464\n");
        assert!(msg.starts_with("/etc/feeds.toml:2:"), "{msg}");
    }

    #[test]
    fn database_is_relative_to_the_config_folder() {
        let config = parse_str("[settings]\ndatabase = \"data/f.db\"\n").unwrap();
        assert_eq!(config.settings.database, PathBuf::from("/etc/data/f.db"));
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let msg = message("[settings]\nconcurency = 4\n");
        assert!(msg.starts_with("/etc/feeds.toml:2:"), "{msg}");
        assert!(msg.contains("concurency"), "{msg}");
    }

    #[test]
    fn bad_scheme_is_rejected_with_its_line() {
        let msg = message(
            "[[feed]]\nurl = \"https://a.example/\"\n[[feed]]\nurl = \"ftp://b.example/x\"\n",
        );
        assert!(msg.starts_with("/etc/feeds.toml:4:"), "{msg}");
        assert!(msg.contains("ftp"), "{msg}");
    }

    #[test]
    fn duplicate_feed_is_rejected() {
        let msg = message(
            "[[feed]]\nurl = \"https://a.example/\"\n\n[[feed]]\nurl = \"https://a.example/\"\n",
        );
        assert!(msg.starts_with("/etc/feeds.toml:5:"), "{msg}");
        assert!(msg.contains("duplicate"), "{msg}");
    }

    #[test]
    fn bad_duration_names_the_key() {
        let msg = message("[settings]\npoll_interval = \"soon\"\n");
        assert!(msg.contains("poll_interval"), "{msg}");
        assert!(msg.contains(":2:"), "{msg}");
    }

    #[test]
    fn story_needs_baseline_or_entities() {
        let msg = message("[[story]]\nid = \"quake\"\ntitle = \"Quake\"\n");
        assert!(msg.contains("needs baseline_url"), "{msg}");
        let ok =
            parse_str("[[story]]\nid = \"quake\"\ntitle = \"Quake\"\nentities = [\"Zagreb\"]\n");
        assert!(ok.is_ok());
    }

    #[test]
    fn story_fields_are_read() {
        let config = parse_str(
            r#"[[story]]
id = "flood-2031"
title = "River flood"
baseline_file = "base.html"
since = "2031-05-01T06:00:00Z"
baseline_figures = { killed = "at least 12", missing = "3" }
aliases = { "River Authority" = ["RA"] }
"#,
        )
        .unwrap();
        let story = &config.stories[0];
        assert_eq!(
            story.baseline,
            Some(Baseline::File(PathBuf::from("/etc/base.html")))
        );
        assert_eq!(
            story.baseline_figures.get(&FigureKind::Killed),
            Some(&(12, Qualifier::AtLeast))
        );
        assert_eq!(
            story.baseline_figures.get(&FigureKind::Missing),
            Some(&(3, Qualifier::Exact))
        );
        assert!(story.since.is_some());
    }

    #[test]
    fn story_id_must_be_slug() {
        let msg = message("[[story]]\nid = \"Big Story\"\ntitle = \"x\"\nentities = [\"a\"]\n");
        assert!(msg.contains("story.id"), "{msg}");
    }

    #[test]
    fn digest_settings_are_read() {
        let config = parse_str(
            r#"[digest]
smtp_url = "smtps://desk@mail.example.org"
smtp_ca_file = "ca.pem"
password_env = "FOLLOWUP_SMTP_PASSWORD"
from = "followup <followup@example.org>"
to = "desk@example.org"
format = "markdown"

[[story]]
id = "flood"
title = "Flood"
entities = ["Castrano"]
on_change = ["hooks/notify", "--urgent"]
webhook = "https://hooks.example/flood"
"#,
        )
        .unwrap();
        let d = &config.digest;
        assert_eq!(d.to, vec!["desk@example.org".to_string()]);
        assert_eq!(d.format, DigestFormat::Markdown);
        assert_eq!(d.password, Password::Env("FOLLOWUP_SMTP_PASSWORD".into()));
        assert_eq!(d.smtp_ca_file, Some(PathBuf::from("/etc/ca.pem")));
        let story = &config.stories[0];
        assert_eq!(story.on_change, vec!["/etc/hooks/notify", "--urgent"]);
        assert!(story.webhook.is_some());
        let list = parse_str(
            "[digest]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nfrom = \"a@b.example\"\nto = [\"c@d.example\", \"e@f.example\"]\n",
        )
        .unwrap();
        assert_eq!(list.digest.to.len(), 2);
        assert_eq!(list.digest.format, DigestFormat::Html);
    }

    #[test]
    fn smtp_never_sends_a_password_in_the_clear() {
        let base = "from = \"a@b.example\"\nto = \"c@d.example\"\n";
        let msg = message(&format!(
            "[digest]\nsmtp_url = \"smtp://mail.example.org\"\n{base}"
        ));
        assert!(msg.contains("loopback"), "{msg}");
        assert!(msg.starts_with("/etc/feeds.toml:2:"), "{msg}");
        let msg = message(&format!(
            "[digest]\nsmtp_url = \"smtps://u:secret@mail.example.org\"\n{base}"
        ));
        assert!(msg.contains("password_env"), "{msg}");
        for ok in [
            "smtps://mail.example.org",
            "smtp://mail.example.org?tls=required",
            "smtp://[::1]:25",
            "smtp://localhost",
        ] {
            assert!(
                parse_str(&format!("[digest]\nsmtp_url = \"{ok}\"\n{base}")).is_ok(),
                "{ok}"
            );
        }
        let msg = message("[digest]\nsmtp_url = \"smtps://mail.example.org\"\n");
        assert!(msg.contains("needs from and to"), "{msg}");
        let msg = message("[digest]\npassword_env = \"A\"\npassword_file = \"b\"\n");
        assert!(msg.contains("not both"), "{msg}");
        let msg = message("[digest]\nto = \"nobody\"\n");
        assert!(msg.contains("digest.to"), "{msg}");
        let msg = message("[digest]\nsmtp_port = 25\n");
        assert!(msg.contains("smtp_port"), "{msg}");
    }

    #[test]
    fn alert_settings_are_checked() {
        let msg =
            message("[[story]]\nid = \"a\"\ntitle = \"A\"\nentities = [\"x\"]\non_change = []\n");
        assert!(msg.contains("story.on_change"), "{msg}");
        let msg = message(
            "[[story]]\nid = \"a\"\ntitle = \"A\"\nentities = [\"x\"]\nwebhook = \"file:///etc/passwd\"\n",
        );
        assert!(msg.contains("story.webhook"), "{msg}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let msg = message("[settings]\nconcurrency = \n");
        assert!(msg.starts_with("/etc/feeds.toml:2:"), "{msg}");
    }
}

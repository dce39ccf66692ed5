//! `followup digest`: what changed in each story since the previous digest (or a given
//! time), printed, written to a file atomically, or mailed. Written and mailed digests are
//! recorded, so the next one starts where they ended; printing records nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, Timelike, Utc};

use crate::config::{Config, DigestFormat, StoryConfig};
use crate::digest::{self, Period, mail};
use crate::store::{Delivery, DigestRecord, Store};

/// Digest forms on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Plain text, for a terminal or a plain e-mail.
    Text,
    /// Markdown, for chat and wikis.
    Markdown,
    /// One self-contained HTML page with a chart per figure.
    Html,
    /// Everything, as JSON.
    Json,
}

impl From<FormatArg> for DigestFormat {
    fn from(f: FormatArg) -> DigestFormat {
        match f {
            FormatArg::Text => DigestFormat::Text,
            FormatArg::Markdown => DigestFormat::Markdown,
            FormatArg::Html => DigestFormat::Html,
            FormatArg::Json => DigestFormat::Json,
        }
    }
}

/// Arguments of `digest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this story (default: every configured story).
    #[arg(long)]
    story: Option<String>,
    /// Cover changes since this date, time or duration ago (default: since the previous
    /// digest, or the last 24 hours).
    #[arg(long, value_parser = super::since::parse, value_name = "DATE|DURATION")]
    since: Option<DateTime<Utc>>,
    /// Output form (default: from --output's extension, else [digest] format when mailing,
    /// else text).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write the digest to this file (atomically) and record it.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Mail the digest as [digest] in the config says, and record it.
    #[arg(long)]
    send: bool,
    /// Mail even when the period was already mailed.
    #[arg(long)]
    force: bool,
}

/// Makes the digest and prints, writes or mails it.
pub fn run(args: Args, config: &Config, store: &mut Store) -> anyhow::Result<ExitCode> {
    let stories = chosen(config, args.story.as_deref())?;
    let format = pick_format(&args, config);
    let recording = args.send || args.output.is_some();
    let now = period_end(recording);
    if let Some(since) = args.since
        && since >= now
    {
        anyhow::bail!("--since {} is not in the past", since.to_rfc3339());
    }
    let delivery = if args.send {
        Some(Delivery::Mail)
    } else if args.output.is_some() {
        Some(Delivery::File)
    } else {
        None
    };
    let mut periods = Vec::with_capacity(stories.len());
    for story in &stories {
        let period = match args.since {
            Some(start) => Period {
                start,
                end: now,
                since_previous_digest: false,
            },
            None => digest::default_period(store, &story.id, delivery, now)
                .with_context(|| format!("reading past digests of story {}", story.id))?,
        };
        periods.push((*story, period));
    }
    let digest = digest::build(store, config, &periods, now).context("building the digest")?;
    let rendered = digest.render(format);

    if !args.send && args.output.is_none() {
        let mut out = std::io::stdout().lock();
        out.write_all(rendered.as_bytes())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let record = |store: &mut Store, delivery: Delivery, destination: &str| {
        for story in &digest.stories {
            store
                .record_digest(
                    &DigestRecord {
                        story: story.id.clone(),
                        start: story.period.start,
                        end: story.period.end,
                        format: format.as_str().to_string(),
                        delivery: delivery.as_str().to_string(),
                        destination: destination.to_string(),
                    },
                    now,
                )
                .with_context(|| format!("recording the digest of story {}", story.id))?;
        }
        anyhow::Ok(())
    };
    if let Some(path) = &args.output {
        write_atomic(path, rendered.as_bytes())
            .with_context(|| format!("writing the digest to {}", path.display()))?;
        record(store, Delivery::File, &path.display().to_string())?;
        eprintln!("wrote the {} digest to {}", format.as_str(), path.display());
    }
    if args.send {
        if !args.force && already_mailed(store, &digest)? {
            eprintln!(
                "nothing to mail: the digest of this period was already sent (--force sends it again)"
            );
            return Ok(ExitCode::SUCCESS);
        }
        let body = match format {
            DigestFormat::Html => mail::Body::Alternative {
                text: digest.render(DigestFormat::Text),
                html: rendered,
            },
            DigestFormat::Json => mail::Body::Json(rendered),
            DigestFormat::Text | DigestFormat::Markdown => mail::Body::Text(rendered),
        };
        let subject = config
            .digest
            .subject
            .clone()
            .unwrap_or_else(|| digest.subject());
        super::runtime()?
            .block_on(mail::send(&config.digest, &subject, body))
            .with_context(|| format!("mailing the digest ({})", config.path.display()))?;
        let to = config.digest.to.join(", ");
        record(store, Delivery::Mail, &to)?;
        eprintln!("mailed the {} digest to {to}", format.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

/// The end of the period: now, rounded up to the next whole second. The store keeps times
/// to the second (rounded down), so once that second has begun everything stored with an
/// earlier time is already in the database; a recorded digest waits for it, and the next
/// period takes everything from there on, with nothing lost or counted twice.
fn period_end(wait: bool) -> DateTime<Utc> {
    let now = Utc::now();
    let floor = now.with_nanosecond(0).unwrap_or(now);
    let end = if floor == now {
        now
    } else {
        floor + chrono::Duration::seconds(1)
    };
    if wait && let Ok(left) = (end - Utc::now()).to_std() {
        std::thread::sleep(left);
    }
    end
}

/// The stories named, or all.
fn chosen<'a>(config: &'a Config, named: Option<&str>) -> anyhow::Result<Vec<&'a StoryConfig>> {
    match named {
        Some(_) => {
            let id = super::pick_story(config, named)?;
            Ok(config.story(&id).into_iter().collect())
        }
        None if config.stories.is_empty() => {
            anyhow::bail!("no [[story]] in {}", config.path.display())
        }
        None => Ok(config.stories.iter().collect()),
    }
}

fn pick_format(args: &Args, config: &Config) -> DigestFormat {
    if let Some(f) = args.format {
        return f.into();
    }
    let by_extension = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match by_extension.as_deref() {
        Some("html" | "htm") => DigestFormat::Html,
        Some("md" | "markdown") => DigestFormat::Markdown,
        Some("json") => DigestFormat::Json,
        Some("txt") => DigestFormat::Text,
        _ if args.send => config.digest.format,
        _ => DigestFormat::Text,
    }
}

/// Whether every story's period was already mailed up to its last stored change.
fn already_mailed(store: &Store, digest: &digest::Digest) -> anyhow::Result<bool> {
    for story in &digest.stories {
        // With nothing new, a mail whose period reached this one's start covers it.
        let through = story
            .last_activity
            .unwrap_or(story.period.start - chrono::Duration::seconds(1));
        let covered = store
            .digest_covers(&story.id, Delivery::Mail, story.period.start, through)
            .with_context(|| format!("reading past digests of story {}", story.id))?;
        if !covered {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `bytes` to a temp file beside `path`, then renames it over `path`, so readers see
/// the old file or the new one, never half of it.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "digest".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.html");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomic(&dir.path().join("missing/d.html"), b"x").is_err());
    }
}

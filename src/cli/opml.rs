//! `followup import-opml FILE` and `followup export-opml`: moving feed lists between
//! followup and other readers.
//!
//! feeds.toml has no folders, so a feed inside an OPML folder keeps it in its name as
//! `Folder / Title`; export turns that prefix back into a folder, so a list survives a
//! round trip either way. Import edits the file with toml_edit (comments and layout kept),
//! skips URLs already configured (so a second import changes nothing), validates the result
//! with the normal config parser and replaces the file atomically.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use quick_xml::XmlVersion;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use toml_edit::{DocumentMut, Item, Table, value};
use url::Url;

use crate::config::{self, Config};

/// Separates a folder from a feed title in a feed's `name`.
const FOLDER_SEPARATOR: &str = " / ";

/// Folders deeper than this are not named (the feed is still imported): bounds the work a
/// hostile, deeply nested file can cause.
const MAX_DEPTH: usize = 32;

/// Arguments of `import-opml`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The OPML file to read (`-` for standard input).
    pub file: PathBuf,
    /// Show what would be added without changing the config.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `export-opml` (none yet).
#[derive(Debug, clap::Args)]
pub struct ExportArgs {}

/// One feed read from an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The feed URL (`xmlUrl`), as written.
    pub url: String,
    /// `Folder / Title`, or just the title; `None` when the outline names nothing.
    pub name: Option<String>,
}

/// An OPML file that could not be read as XML.
#[derive(Debug, thiserror::Error)]
#[error("invalid OPML at byte {position}: {message}")]
pub struct OpmlError {
    /// Where the reader stopped.
    pub position: u64,
    /// What was wrong.
    pub message: String,
}

/// Adds the file's feeds to the config.
pub fn import(args: ImportArgs, config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let opml = if args.file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading OPML from standard input")?
    } else {
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?
    };
    let outlines = parse(&opml).with_context(|| format!("reading {}", args.file.display()))?;
    let path = config::locate(config_path)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    // The running config must be valid before it is extended, or the error would be blamed
    // on the import.
    let current = config::parse(&path, &text)?;
    let mut known: HashSet<Url> = current.feeds.iter().map(|f| f.url.clone()).collect();
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let feeds = doc
        .entry("feed")
        .or_insert(Item::ArrayOfTables(Default::default()));
    let Some(array) = feeds.as_array_of_tables_mut() else {
        bail!(
            "{}: `feed` is not a list of [[feed]] tables",
            path.display()
        );
    };
    let (mut added, mut present, mut invalid) = (0usize, 0usize, 0usize);
    for outline in outlines {
        let url = match fetchable(&outline.url) {
            Some(url) => url,
            None => {
                eprintln!("skipped {:?}: not an http(s) feed URL", outline.url);
                invalid += 1;
                continue;
            }
        };
        if !known.insert(url.clone()) {
            present += 1;
            continue;
        }
        let mut table = Table::new();
        table.insert("url", value(url.as_str()));
        if let Some(name) = &outline.name {
            table.insert("name", value(name.as_str()));
        }
        array.push(table);
        added += 1;
        if args.dry_run {
            println!("would add {url}");
        }
    }
    let updated = doc.to_string();
    // Validate before writing: a list that would not load is not saved.
    config::parse(&path, &updated)?;
    if added > 0 && !args.dry_run {
        write_atomically(&path, &updated)?;
    }
    let verb = if args.dry_run { "would add" } else { "added" };
    println!(
        "{verb} {added} feeds to {}; {present} already configured, {invalid} skipped",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints the configured feeds as OPML 2.0.
pub fn export(_args: ExportArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let feeds: Vec<(&str, Option<&str>)> = config
        .feeds
        .iter()
        .map(|f| (f.url.as_str(), f.name.as_deref()))
        .collect();
    print!("{}", render(&feeds));
    Ok(ExitCode::SUCCESS)
}

/// Reads the feeds of an OPML document: every outline with an `xmlUrl`, named by its
/// `title` (else `text`) prefixed with the folders it sits in.
pub fn parse(text: &str) -> Result<Vec<Outline>, OpmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    // The folder names open around the current position; `None` for an outline that is not
    // a folder (a feed with children), so its end pops the right entry.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut feeds = Vec::new();
    loop {
        let event = reader.read_event().map_err(|err| OpmlError {
            position: reader.error_position(),
            message: err.to_string(),
        })?;
        match event {
            Event::Start(e) if is_outline(&e) => {
                let outline = read_outline(&e, &folders);
                let folder = match outline {
                    Some(feed) => {
                        feeds.push(feed);
                        None
                    }
                    None => label(&e),
                };
                folders.push(folder);
            }
            Event::Empty(e) if is_outline(&e) => feeds.extend(read_outline(&e, &folders)),
            Event::End(e) if e.local_name().into_inner().eq_ignore_ascii_case("outline") => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(feeds)
}

/// OPML 2.0 for `(url, name)` pairs: a name `Folder / Title` becomes an outline inside a
/// folder outline, in first-appearance order.
pub fn render(feeds: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    \
         <title>followup feeds</title>\n  </head>\n  <body>\n",
    );
    let mut folders: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for &(url, name) in feeds {
        match name.and_then(|n| n.split_once(FOLDER_SEPARATOR)) {
            Some((folder, title)) if !folder.trim().is_empty() && !title.trim().is_empty() => {
                match folders.iter_mut().find(|(f, _)| *f == folder) {
                    Some((_, members)) => members.push((url, title)),
                    None => folders.push((folder, vec![(url, title)])),
                }
            }
            _ => out.push_str(&feed_line("    ", url, name.unwrap_or(url))),
        }
    }
    for (folder, members) in folders {
        let folder = escape(folder);
        out.push_str(&format!(
            "    <outline text=\"{folder}\" title=\"{folder}\">\n"
        ));
        for (url, title) in members {
            out.push_str(&feed_line("      ", url, title));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn feed_line(indent: &str, url: &str, title: &str) -> String {
    let (url, title) = (escape(url), escape(title));
    format!("{indent}<outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{url}\"/>\n")
}

fn is_outline(e: &BytesStart) -> bool {
    e.local_name().into_inner().eq_ignore_ascii_case("outline")
}

/// The feed an outline names, if it has an `xmlUrl`.
fn read_outline(e: &BytesStart, folders: &[Option<String>]) -> Option<Outline> {
    let url = attribute(e, "xmlUrl")?;
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let path: Vec<&str> = folders
        .iter()
        .take(MAX_DEPTH)
        .filter_map(|f| f.as_deref())
        .collect();
    // Export writes an unnamed feed's URL as its text (OPML requires one); that is no name.
    let name = label(e).filter(|title| title != url).map(|title| {
        let mut parts = path.clone();
        parts.push(&title);
        parts.join(FOLDER_SEPARATOR)
    });
    Some(Outline {
        url: url.to_string(),
        name,
    })
}

/// An outline's `title`, else its `text`, with whitespace collapsed; `None` when empty.
fn label(e: &BytesStart) -> Option<String> {
    ["title", "text"]
        .iter()
        .filter_map(|key| attribute(e, key))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|t| !t.is_empty())
}

/// An attribute's unescaped value, matched case-insensitively (readers write `xmlurl` too);
/// a malformed attribute is treated as absent.
fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().into_inner().eq_ignore_ascii_case(key))
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The URL if followup can poll it (what `config::parse` would accept).
fn fetchable(text: &str) -> Option<Url> {
    let url = Url::parse(text.trim()).ok()?;
    let ok =
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty());
    ok.then_some(url)
}

/// Replaces `path` with `text` through a temp file and a rename, so a crash never leaves a
/// half-written config.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_feeds_with_their_folders() {
        let opml = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Loose" xmlUrl="https://a.example/feed"/>
  <outline text="World">
    <outline text="Wire &amp; Co" title="Wire &amp; Co" type="rss" xmlUrl="https://b.example/rss"/>
    <outline text="Deeper"><outline text="Inner" xmlurl="https://c.example/x"/></outline>
  </outline>
  <outline xmlUrl="https://d.example/untitled"/>
  <outline text="no url"/>
</body></opml>"#;
        let feeds = parse(opml).unwrap();
        let got: Vec<(&str, Option<&str>)> = feeds
            .iter()
            .map(|f| (f.url.as_str(), f.name.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("https://a.example/feed", Some("Loose")),
                ("https://b.example/rss", Some("World / Wire & Co")),
                ("https://c.example/x", Some("World / Deeper / Inner")),
                ("https://d.example/untitled", None),
            ]
        );
    }

    #[test]
    fn render_then_parse_is_a_round_trip() {
        let feeds = [
            (
                "https://a.example/f?x=1&y=2",
                Some("Plain <b>\"quoted\"</b>"),
            ),
            ("https://b.example/rss", Some("Folder / Title / More")),
            ("https://c.example/rss", Some("Folder / Other")),
            ("https://d.example/rss", None),
        ];
        let xml = render(&feeds);
        assert!(
            !xml.contains("<b>"),
            "markup in a title must be escaped: {xml}"
        );
        let back = parse(&xml).unwrap();
        let back: Vec<(&str, Option<&str>)> = back
            .iter()
            .map(|f| (f.url.as_str(), f.name.as_deref()))
            .collect();
        assert_eq!(
            back,
            vec![
                (
                    "https://a.example/f?x=1&y=2",
                    Some("Plain <b>\"quoted\"</b>")
                ),
                ("https://d.example/rss", None),
                ("https://b.example/rss", Some("Folder / Title / More")),
                ("https://c.example/rss", Some("Folder / Other")),
            ]
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(
            parse("<opml><body><outline text=\"a\" xmlUrl=\"https://x.example/\"></opml>").is_err()
        );
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 5000;
        let mut opml = "<outline text=\"f\">".repeat(depth);
        opml.push_str("<outline text=\"t\" xmlUrl=\"https://x.example/\"/>");
        opml.push_str(&"</outline>".repeat(depth));
        let feeds = parse(&opml).unwrap();
        assert_eq!(feeds.len(), 1);
        let name = feeds[0].name.as_deref().unwrap();
        assert_eq!(name.matches(FOLDER_SEPARATOR).count(), MAX_DEPTH);
    }

    #[test]
    fn only_fetchable_urls() {
        assert!(fetchable("https://x.example/feed").is_some());
        assert!(fetchable("file:///etc/passwd").is_none());
        assert!(fetchable("not a url").is_none());
    }
}

//! Rendering for list commands: terminal tables, JSON and CSV. Everything a feed or page
//! supplied is made safe for the form it goes into.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use comfy_table::{ContentArrangement, Table, presets};

pub use crate::digest::escape::{csv_safe, terminal_safe};

/// Output forms shared by list commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table that fits the terminal.
    Table,
    /// A JSON array on stdout.
    Json,
    /// CSV with a header row.
    Csv,
}

/// RFC 3339 with seconds and `Z`, the form every output uses.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A short local-independent form for tables: `2024-03-25 09:00`.
pub fn short_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

/// Prints rows as a table that wraps to the terminal width.
pub fn print_table(header: &[&str], rows: Vec<Vec<String>>) -> std::io::Result<()> {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        table.set_width(160);
    }
    for row in rows {
        table.add_row(row.iter().map(|c| terminal_safe(c)).collect::<Vec<_>>());
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{table}")
}

/// Prints a serialisable value as pretty JSON followed by a newline.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints rows as CSV with a header, each cell neutralised.
pub fn print_csv(header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|c| csv_safe(c)))?;
    }
    writer.flush()?;
    Ok(())
}

/// What a table calls a feed: its name (configured, else the feed's own title), else its
/// host; never a whole URL squeezed into a column.
pub fn feed_label(name: Option<&str>, url: &str) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => name.to_string(),
        None => url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| url.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_removed() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\u{1b}]0;x\u{7}c"), "ab0;xc");
        assert_eq!(terminal_safe("line\nbreak\u{9b}"), "line break");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("-5 dead"), "'-5 dead");
        assert_eq!(csv_safe("Quake"), "Quake");
    }
}

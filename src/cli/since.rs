//! `--since` values: a date, an RFC 3339 time, or a duration back from now.

use chrono::{DateTime, Utc};

/// Parses `2024-03-25`, `2024-03-25T09:00:00Z` or a duration such as `2d` or `12h`.
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    if let Some(t) = crate::config::parse_time(text) {
        return Ok(t);
    }
    let ago = humantime::parse_duration(text.trim()).map_err(|_| {
        format!("{text:?} is neither a date (2024-03-25, RFC 3339) nor a duration (2d, 12h)")
    })?;
    let ago = chrono::Duration::from_std(ago).map_err(|_| format!("{text:?} is too long ago"))?;
    Utc::now()
        .checked_sub_signed(ago)
        .ok_or_else(|| format!("{text:?} is too long ago"))
}

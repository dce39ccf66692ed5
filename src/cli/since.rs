//! `--since` values: a date, an RFC 3339 time, or a duration back from now.

use chrono::{DateTime, Utc};

/// Why a `--since`/`--until` value was refused; clap prints it after the flag's name.
#[derive(Debug, thiserror::Error)]
pub enum SinceError {
    /// Neither form parses.
    #[error("{0:?} is neither a date (2024-03-25, RFC 3339) nor a duration (2d, 12h)")]
    Unreadable(String),
    /// The duration reaches before the calendar's start.
    #[error("{0:?} is too long ago")]
    TooLongAgo(String),
}

/// Parses `2024-03-25`, `2024-03-25T09:00:00Z` or a duration such as `2d` or `12h`.
pub fn parse(text: &str) -> Result<DateTime<Utc>, SinceError> {
    if let Some(t) = crate::config::parse_time(text) {
        return Ok(t);
    }
    let ago = humantime::parse_duration(text.trim())
        .map_err(|_| SinceError::Unreadable(text.to_string()))?;
    chrono::Duration::from_std(ago)
        .ok()
        .and_then(|ago| Utc::now().checked_sub_signed(ago))
        .ok_or_else(|| SinceError::TooLongAgo(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_durations() {
        assert_eq!(
            parse("2024-03-25").unwrap().to_rfc3339(),
            "2024-03-25T00:00:00+00:00"
        );
        assert_eq!(
            parse("2024-03-25T09:00:00Z").unwrap().to_rfc3339(),
            "2024-03-25T09:00:00+00:00"
        );
        let two_days = Utc::now() - parse("2d").unwrap();
        assert!((two_days.num_hours() - 48).abs() <= 1, "{two_days}");
        assert!(matches!(parse("soon"), Err(SinceError::Unreadable(_))));
        assert!(matches!(
            parse("100000000000y"),
            Err(SinceError::TooLongAgo(_) | SinceError::Unreadable(_))
        ));
    }
}

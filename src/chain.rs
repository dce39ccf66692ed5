//! An error and its causes in one line, each cause said once.
//!
//! followup's errors say what failed in their own message and keep the cause as their
//! `source()`, never both, so a chain printed link by link repeats nothing. This is the one
//! printer for logs and stored messages; the CLI prints anyhow's `{:#}`, which walks the
//! same chain.

use std::error::Error;
use std::fmt;

/// Displays an error followed by each of its causes, `: `-separated. A cause whose text
/// the line already holds (libraries that repeat their inner error) is left out.
pub struct Chain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut said = self.0.to_string();
        f.write_str(&said)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !text.is_empty() && !said.contains(&text) {
                write!(f, ": {text}")?;
                said.push_str(&text);
            }
            source = cause.source();
        }
        Ok(())
    }
}

/// The whole chain of `err` as a string (for a feed row's `last_error`, say).
pub fn text(err: &(dyn Error + 'static)) -> String {
    Chain(err).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("fetching https://a.example/feed")]
    struct Outer(#[source] Middle);

    #[derive(Debug, thiserror::Error)]
    #[error("cannot connect")]
    struct Middle(#[source] std::io::Error);

    #[test]
    fn each_cause_once_in_order() {
        let err = Outer(Middle(std::io::Error::other("connection refused")));
        assert_eq!(
            text(&err),
            "fetching https://a.example/feed: cannot connect: connection refused"
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("request failed: connection refused")]
    struct Repeating(#[source] std::io::Error);

    #[test]
    fn a_cause_the_message_already_says_is_not_repeated() {
        let err = Repeating(std::io::Error::other("connection refused"));
        assert_eq!(text(&err), "request failed: connection refused");
    }
}

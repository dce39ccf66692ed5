//! The daemon's Prometheus metrics: one [`Metrics`] handle owns every counter, gauge and
//! histogram, and the pipeline tells it what it already knows (a feed's outcome, an error's
//! kind, items and matches stored, article fetches). [`server`] serves them with `/healthz`.
//!
//! Metrics are off unless `[settings] metrics` is set: the handle is then empty and every
//! call returns at its first branch, so `followup poll` pays nothing for them.

pub mod server;

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// How one feed poll ended, the `outcome` label of `followup_feed_polls_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// A body was read, parsed and stored.
    Ok,
    /// 304.
    NotModified,
    /// 429/503 with or without Retry-After.
    RateLimited,
    /// 410: the feed is now marked gone.
    Gone,
    /// The fetch or the parse failed (its kind goes to `followup_fetch_errors_total`).
    Error,
}

impl PollOutcome {
    fn label(self) -> &'static str {
        match self {
            PollOutcome::Ok => "ok",
            PollOutcome::NotModified => "not_modified",
            PollOutcome::RateLimited => "rate_limited",
            PollOutcome::Gone => "gone",
            PollOutcome::Error => "error",
        }
    }

    /// Whether the feed answered usefully (counts as its last successful poll).
    fn succeeded(self) -> bool {
        matches!(self, PollOutcome::Ok | PollOutcome::NotModified)
    }
}

/// How one article page fetch ended, the `outcome` label of `followup_article_fetches_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOutcome {
    /// A page version was read and stored.
    Ok,
    /// 304.
    NotModified,
    /// robots.txt disallows it; nothing was requested.
    Disallowed,
    /// 410, 429 or 503.
    Unavailable,
    /// The fetch failed (its kind goes to `followup_fetch_errors_total`).
    Error,
    /// Not requested: it failed before and its retry is not due.
    FailedBefore,
}

impl ArticleOutcome {
    fn label(self) -> &'static str {
        match self {
            ArticleOutcome::Ok => "ok",
            ArticleOutcome::NotModified => "not_modified",
            ArticleOutcome::Disallowed => "robots_disallowed",
            ArticleOutcome::Unavailable => "unavailable",
            ArticleOutcome::Error => "error",
            ArticleOutcome::FailedBefore => "failed_before",
        }
    }
}

/// What was fetched when an error happened, the `target` label of errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A feed document.
    Feed,
    /// An article page.
    Article,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Target::Feed => "feed",
            Target::Article => "article",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    target: &'static str,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChangeLabel {
    change: &'static str,
}

/// The registry and the handles to each metric in it (each handle is an `Arc` inside, so
/// updating one never locks the registry).
#[derive(Debug)]
struct Inner {
    registry: Registry,
    feed_polls: Family<OutcomeLabel, Counter>,
    fetch_errors: Family<ErrorLabels, Counter>,
    items: Family<ChangeLabel, Counter>,
    matches: Counter,
    articles: Family<OutcomeLabel, Counter>,
    article_requests: Counter,
    items_judged: Counter,
    poll_seconds: Histogram,
    last_success: Gauge,
    feeds_configured: Gauge,
    feeds_gone: Gauge,
}

/// The daemon's metrics, or nothing when they are off. Cheap to clone: clones share them.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    inner: Option<Arc<Inner>>,
}

impl Metrics {
    /// Metrics that record nothing (the default).
    pub fn off() -> Metrics {
        Metrics::default()
    }

    /// A fresh set of metrics, every documented series registered (labelled outcomes at 0,
    /// so dashboards see them before they first happen).
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("followup");
        let feed_polls = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "feed_polls",
            "Feed polls by outcome (ok, not_modified, rate_limited, gone, error)",
            feed_polls.clone(),
        );
        let fetch_errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "fetch_errors",
            "Failed fetches of feeds and article pages by error kind",
            fetch_errors.clone(),
        );
        let items = Family::<ChangeLabel, Counter>::default();
        registry.register(
            "items_stored",
            "Feed items stored, new or changed",
            items.clone(),
        );
        let matches = Counter::default();
        registry.register(
            "matches_stored",
            "New follow-up matches stored",
            matches.clone(),
        );
        let articles = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "article_fetches",
            "Article pages a round wanted, by outcome (ok, not_modified, robots_disallowed, unavailable, error, failed_before)",
            articles.clone(),
        );
        let article_requests = Counter::default();
        registry.register(
            "article_requests",
            "Article page requests sent (first fetches, retries and re-checks)",
            article_requests.clone(),
        );
        let items_judged = Counter::default();
        registry.register(
            "items_judged",
            "Items judged against the stories by story rounds",
            items_judged.clone(),
        );
        // 10 ms to ~80 s: a local 304 up to a slow server at the default 30 s timeout.
        let poll_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 14));
        registry.register(
            "poll_duration_seconds",
            "Time of one feed job: fetch, parse and store",
            poll_seconds.clone(),
        );
        let last_success = Gauge::default();
        registry.register(
            "last_successful_poll_timestamp_seconds",
            "Unix time of the last feed poll that returned a feed or a 304",
            last_success.clone(),
        );
        let feeds_configured = Gauge::default();
        registry.register(
            "feeds_configured",
            "Feeds in the running config",
            feeds_configured.clone(),
        );
        let feeds_gone = Gauge::default();
        registry.register(
            "feeds_gone",
            "Configured feeds marked gone (HTTP 410), no longer polled",
            feeds_gone.clone(),
        );
        for outcome in [
            PollOutcome::Ok,
            PollOutcome::NotModified,
            PollOutcome::RateLimited,
            PollOutcome::Gone,
            PollOutcome::Error,
        ] {
            let _ = feed_polls.get_or_create(&OutcomeLabel {
                outcome: outcome.label(),
            });
        }
        for change in ["new", "changed"] {
            let _ = items.get_or_create(&ChangeLabel { change });
        }
        Metrics {
            inner: Some(Arc::new(Inner {
                registry,
                feed_polls,
                fetch_errors,
                items,
                matches,
                articles,
                article_requests,
                items_judged,
                poll_seconds,
                last_success,
                feeds_configured,
                feeds_gone,
            })),
        }
    }

    /// Whether metrics are recorded.
    pub fn enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// One feed job ended with `outcome` after `took` (fetch, parse and store).
    pub fn feed_polled(&self, outcome: PollOutcome, took: Duration) {
        let Some(m) = &self.inner else { return };
        m.feed_polls
            .get_or_create(&OutcomeLabel {
                outcome: outcome.label(),
            })
            .inc();
        m.poll_seconds.observe(took.as_secs_f64());
        if outcome.succeeded() {
            m.last_success.set(chrono::Utc::now().timestamp());
        }
    }

    /// A fetch of `target` failed with an error of `kind` ([`crate::fetch::FetchError::kind`],
    /// or `parse` for a body that is no feed).
    pub fn fetch_error(&self, target: Target, kind: &'static str) {
        let Some(m) = &self.inner else { return };
        m.fetch_errors
            .get_or_create(&ErrorLabels {
                target: target.label(),
                kind,
            })
            .inc();
    }

    /// A feed commit stored `new` new and `changed` edited items.
    pub fn items_stored(&self, new: usize, changed: usize) {
        let Some(m) = &self.inner else { return };
        for (change, n) in [("new", new), ("changed", changed)] {
            m.items
                .get_or_create(&ChangeLabel { change })
                .inc_by(u64::try_from(n).unwrap_or(u64::MAX));
        }
    }

    /// A story round stored `n` new matches.
    pub fn matches_stored(&self, n: usize) {
        let Some(m) = &self.inner else { return };
        m.matches.inc_by(u64::try_from(n).unwrap_or(u64::MAX));
    }

    /// A story round judged `judged` items and sent `requested` article requests.
    pub fn round_done(&self, judged: usize, requested: usize) {
        let Some(m) = &self.inner else { return };
        m.items_judged
            .inc_by(u64::try_from(judged).unwrap_or(u64::MAX));
        m.article_requests
            .inc_by(u64::try_from(requested).unwrap_or(u64::MAX));
    }

    /// An article page fetch ended with `outcome`.
    pub fn article_fetched(&self, outcome: ArticleOutcome) {
        let Some(m) = &self.inner else { return };
        m.articles
            .get_or_create(&OutcomeLabel {
                outcome: outcome.label(),
            })
            .inc();
    }

    /// The running config has `configured` feeds, `gone` of them marked gone.
    pub fn feeds(&self, configured: usize, gone: usize) {
        let Some(m) = &self.inner else { return };
        m.feeds_configured
            .set(i64::try_from(configured).unwrap_or(i64::MAX));
        m.feeds_gone.set(i64::try_from(gone).unwrap_or(i64::MAX));
    }

    /// The metrics in the text exposition format (OpenMetrics 1.0, which Prometheus reads);
    /// `None` when metrics are off.
    pub fn encode(&self) -> Option<String> {
        let m = self.inner.as_ref()?;
        let mut text = String::new();
        // Writing to a String cannot fail; an encoder error would be a bug in a metric name.
        prometheus_client::encoding::text::encode(&mut text, &m.registry).ok()?;
        Some(text)
    }

    /// The metrics in the Prometheus text format 0.0.4, for scrapers that do not ask for
    /// OpenMetrics; `None` when metrics are off.
    pub fn encode_prometheus(&self) -> Option<String> {
        self.encode().map(|text| to_prometheus(&text))
    }
}

/// OpenMetrics text as Prometheus text 0.0.4: no `# EOF` or `# UNIT` lines, and a counter's
/// `# HELP`/`# TYPE` name the sample itself (`…_total`), as 0.0.4 and `promtool` expect.
fn to_prometheus(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        match renamed {
            Some(line) => out.push_str(&line),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the sample line starting with `series` (name plus labels).
    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse().ok())
    }

    #[test]
    fn off_records_and_encodes_nothing() {
        let metrics = Metrics::off();
        metrics.feed_polled(PollOutcome::Ok, Duration::from_millis(5));
        metrics.items_stored(3, 0);
        assert!(!metrics.enabled());
        assert_eq!(metrics.encode(), None);
    }

    #[test]
    fn counts_show_up_under_their_documented_names() {
        let metrics = Metrics::new();
        let text = metrics.encode().unwrap();
        assert_eq!(
            sample(&text, r#"followup_feed_polls_total{outcome="ok"}"#),
            Some(0.0),
            "{text}"
        );
        assert_eq!(sample(&text, "followup_matches_stored_total"), Some(0.0));

        metrics.feed_polled(PollOutcome::Ok, Duration::from_millis(30));
        metrics.feed_polled(PollOutcome::Error, Duration::from_millis(5));
        metrics.fetch_error(Target::Feed, "http_5xx");
        metrics.fetch_error(Target::Feed, "parse");
        metrics.items_stored(3, 1);
        metrics.matches_stored(2);
        metrics.article_fetched(ArticleOutcome::NotModified);
        metrics.feeds(4, 1);
        let text = metrics.encode().unwrap();
        for (series, value) in [
            (r#"followup_feed_polls_total{outcome="ok"}"#, 1.0),
            (r#"followup_feed_polls_total{outcome="error"}"#, 1.0),
            (
                r#"followup_fetch_errors_total{target="feed",kind="http_5xx"}"#,
                1.0,
            ),
            (
                r#"followup_fetch_errors_total{target="feed",kind="parse"}"#,
                1.0,
            ),
            (r#"followup_items_stored_total{change="new"}"#, 3.0),
            (r#"followup_items_stored_total{change="changed"}"#, 1.0),
            ("followup_matches_stored_total", 2.0),
            (
                r#"followup_article_fetches_total{outcome="not_modified"}"#,
                1.0,
            ),
            ("followup_poll_duration_seconds_count", 2.0),
            ("followup_feeds_configured", 4.0),
            ("followup_feeds_gone", 1.0),
        ] {
            assert_eq!(sample(&text, series), Some(value), "{series} in\n{text}");
        }
        let last = sample(&text, "followup_last_successful_poll_timestamp_seconds").unwrap();
        assert!(last > 1.0e9, "{text}");
    }
}

-- Article pages that could not be fetched, one row per link, so a failure is not asked
-- again on every poll and survives restarts. `retry_at` NULL: not again until the item's
-- link or content changes (404, 410, a page too large); else not before that time
-- (backoff for 401/403, 429, 5xx, timeouts; robots.txt refusals for the robots file's
-- lifetime). A successful fetch deletes the row.
CREATE TABLE article_failures (
    url             TEXT PRIMARY KEY,
    cause           TEXT NOT NULL,        -- short, for people: "HTTP 404", "timeout after 30 s"
    failures        INTEGER NOT NULL,     -- consecutive failures
    first_failed_at TEXT NOT NULL,
    last_failed_at  TEXT NOT NULL,
    retry_at        TEXT
);
CREATE INDEX article_failures_retry ON article_failures (retry_at) WHERE retry_at IS NOT NULL;

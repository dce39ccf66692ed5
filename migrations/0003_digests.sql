-- Digests that were written to a file or mailed, so the next one starts where the last
-- ended, and what alerts announced, so each change is announced once per channel.

-- One row per story per recorded digest.
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    story_id        TEXT NOT NULL,
    period_start    TEXT NOT NULL,      -- RFC 3339 UTC, inclusive
    period_end      TEXT NOT NULL,      -- exclusive; the next digest starts here
    made_at         TEXT NOT NULL,
    format          TEXT NOT NULL,
    delivery        TEXT NOT NULL CHECK (delivery IN ('file', 'mail')),
    destination     TEXT NOT NULL       -- the file written or the recipients
);

CREATE INDEX digests_story ON digests (story_id, delivery, period_end);

-- What each alert channel of a story announced: `key` is `figure:<kind>` or `group:<id>`,
-- `value` what was said (a figure's value), so only a different one is announced again.
CREATE TABLE alerts (
    story_id        TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('command', 'webhook')),
    key             TEXT NOT NULL,
    value           TEXT NOT NULL,
    announced_at    TEXT NOT NULL,
    PRIMARY KEY (story_id, channel, key)
);

-- Feeds are keyed by their configured URL; schedule and health state live in the row.
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    name            TEXT,
    fetch_url       TEXT,               -- target of a permanent redirect, used from then on
    etag            TEXT,
    last_modified   TEXT,
    last_fetch      TEXT,               -- RFC 3339 UTC
    last_status     INTEGER,
    last_error      TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,
    failing_since   TEXT,               -- first error of the current run of errors
    last_success    TEXT,
    last_new_item   TEXT,               -- when the feed last published something new
    next_fetch      TEXT,
    gone            INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX feeds_due ON feeds (next_fetch) WHERE gone = 0;

-- One row per (feed, identity): the feed's guid, else its normalised link, else a content hash.
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    feed_id     INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    identity    TEXT NOT NULL,
    guid        TEXT,
    url         TEXT,
    title       TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    published   TEXT,
    updated     TEXT,
    first_seen  TEXT NOT NULL,
    changed_at  TEXT,                   -- when a later version of the item was last noticed
    version     INTEGER NOT NULL DEFAULT 1,
    digest      TEXT NOT NULL,          -- hash of title, summary and dates, to notice edits
    UNIQUE (feed_id, identity)
);

CREATE INDEX items_newest ON items (COALESCE(published, first_seen) DESC);
CREATE INDEX items_first_seen ON items (first_seen);

CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, summary,
    content = 'items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, summary)
    VALUES ('delete', old.id, old.title, old.summary);
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, summary)
    VALUES ('delete', old.id, old.title, old.summary);
    INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary);
END;

-- Stories' baselines, fetched articles, follow-up matches, people's verdicts and casualty
-- figure observations.

-- The baseline article of each configured story, fetched once and kept.
CREATE TABLE baselines (
    story_id    TEXT PRIMARY KEY,
    source      TEXT NOT NULL,          -- URL or file path it was read from
    title       TEXT,
    text        TEXT NOT NULL,
    published   TEXT,
    updated     TEXT,
    fetched_at  TEXT NOT NULL
);

-- Article pages of candidate items, one row per URL (the item's link as the feed gave it);
-- `hash` identifies the current version, so a changed page is noticed.
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    title           TEXT,
    text            TEXT NOT NULL DEFAULT '',
    published       TEXT,
    updated         TEXT,
    etag            TEXT,
    last_modified   TEXT,
    hash            TEXT NOT NULL,
    shingles        BLOB,
    fetched_at      TEXT NOT NULL,       -- first fetch
    checked_at      TEXT NOT NULL,       -- last fetch or conditional re-check
    changed_at      TEXT,                -- last time a re-check found a new version
    error           TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Automatic follow-up decisions that came out positive, with their explanation (JSON).
CREATE TABLE matches (
    id          INTEGER PRIMARY KEY,
    story_id    TEXT NOT NULL,
    item_id     INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    score       REAL NOT NULL,
    explanation TEXT NOT NULL,
    grp         INTEGER NOT NULL,       -- item id of the first match in its near-duplicate group
    matched_at  TEXT NOT NULL,
    UNIQUE (story_id, item_id)
);

CREATE INDEX matches_story ON matches (story_id, grp);
CREATE INDEX matches_item ON matches (item_id);

-- A person's verdict on one item for one story; overrides the automatic one, survives rematch.
CREATE TABLE verdicts (
    story_id    TEXT NOT NULL,
    url         TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('confirmed', 'rejected')),
    decided_at  TEXT NOT NULL,
    PRIMARY KEY (story_id, url)
);

-- One row per (story, article version, kind, value): what a page stated, and when it says
-- it stated it. Only rows of an article's current version are `current`.
CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    story_id    TEXT NOT NULL,
    url         TEXT NOT NULL,
    title       TEXT,
    version     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       INTEGER NOT NULL,
    qualifier   TEXT NOT NULL,
    term        TEXT NOT NULL DEFAULT '',
    sentence    TEXT NOT NULL DEFAULT '',
    declared_at TEXT,
    observed_at TEXT NOT NULL,
    baseline    INTEGER NOT NULL DEFAULT 0,
    current     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (story_id, url, version, kind, value)
);

CREATE INDEX observations_story ON observations (story_id, kind, current);

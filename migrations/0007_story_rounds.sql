-- The last complete story round: a fingerprint of what it judged with (the stories and the
-- background corpus that weighs names) and the newest item it saw. A round with the same
-- fingerprint would judge every older item exactly as that round did, so it judges only the
-- items touched since and the newer ones: a poll where nothing changed does no matching.
CREATE TABLE story_rounds (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    last_item   INTEGER NOT NULL,
    finished_at TEXT NOT NULL
);

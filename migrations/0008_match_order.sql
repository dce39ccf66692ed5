-- Matches newest first straight from an index. Listings order matches by their item's
-- declared time, else first sight, which lives in `items`: no index can serve that order
-- across the join, so a page of 50 sorted every match of the story (or of all stories). The
-- item's time is copied into `matches.item_time`, kept by the two triggers below.
-- Measured with 1,000,000 items and 50,000 matches (bench/query.sh): see bench/README.md.
ALTER TABLE matches ADD COLUMN item_time TEXT;

UPDATE matches SET item_time =
    (SELECT COALESCE(i.published, i.first_seen) FROM items i WHERE i.id = matches.item_id);

-- Every insert into `matches` takes its item's time, whoever inserts.
CREATE TRIGGER matches_item_time AFTER INSERT ON matches BEGIN
    UPDATE matches SET item_time =
        (SELECT COALESCE(i.published, i.first_seen) FROM items i WHERE i.id = new.item_id)
    WHERE id = new.id;
END;

-- An edited item that changes its declared time moves its matches along.
CREATE TRIGGER items_time_to_matches AFTER UPDATE OF published, first_seen ON items
WHEN COALESCE(old.published, old.first_seen) IS NOT COALESCE(new.published, new.first_seen)
BEGIN
    UPDATE matches SET item_time = COALESCE(new.published, new.first_seen)
    WHERE item_id = new.id;
END;

-- `matches --story X`: the story's newest first; `matches` without a story: all newest first.
CREATE INDEX matches_story_newest ON matches (story_id, item_time DESC, item_id DESC);
CREATE INDEX matches_newest ON matches (item_time DESC, item_id DESC);

-- Items by link: `confirm` / `reject` find the item a URL names without reading every item.
CREATE INDEX items_url ON items (url);

-- New items enter the full-text index when the database thread is idle, not inside the
-- transaction that stores them. Each feed transaction flushed an index segment and the
-- index merged those segments while feeds waited: over a third of a cold poll's database
-- time. New items' ids wait in `items_unindexed` until they are indexed; until then the
-- triggers below leave the index alone (there is nothing of the item in it to delete).
CREATE TABLE items_unindexed (id INTEGER PRIMARY KEY);

DROP TRIGGER items_fts_delete;
DROP TRIGGER items_fts_update;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, summary)
    SELECT 'delete', old.id, old.title, old.summary
    WHERE NOT EXISTS (SELECT 1 FROM items_unindexed WHERE id = old.id);
    DELETE FROM items_unindexed WHERE id = old.id;
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items
WHEN NOT EXISTS (SELECT 1 FROM items_unindexed WHERE id = old.id) BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, summary)
    VALUES ('delete', old.id, old.title, old.summary);
    INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary);
END;

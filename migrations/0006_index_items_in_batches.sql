-- New items enter the full-text index from the store, one statement per batch of feeds,
-- instead of from a trigger. Inside a transaction every INSERT INTO items opens a statement
-- savepoint, and FTS5 flushes its pending terms at each savepoint: the trigger wrote one
-- index segment per item and spent the poll merging them. The index holds the same rows.
DROP TRIGGER items_fts_insert;

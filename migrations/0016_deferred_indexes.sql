-- Indexes set aside during a bulk load of items, with the statement that builds each again.
-- A load that at least doubles the items (a first poll of many feeds) inserts dates from
-- days of news all over the time-ordered indexes, rewriting a page of each per item; they
-- are dropped for the load and built once after it (see src/store/bulk.rs). Kept here, in
-- the transaction that drops them, so a process killed mid-load builds them at next open.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
);

-- When each article was first and last fetched on the news clock (the newest publication
-- time the feeds have reported, never past the wall clock), for the re-check schedule: a
-- matched page is asked again on an interval that grows with its age, measured on the time
-- the news reports, so a replay of recorded coverage re-checks as a live run would.
-- NULL: fetched before this schedule existed, due at once.
ALTER TABLE articles ADD COLUMN recheck_first TEXT;
ALTER TABLE articles ADD COLUMN recheck_last TEXT;

-- The feed's own title, as its document states it: what tables call a feed that has no
-- configured name (before falling back to its host).
ALTER TABLE feeds ADD COLUMN title TEXT;

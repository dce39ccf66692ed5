-- The feed's `[[feed]]` entry as last synced (FeedConfig::fingerprint), so an edit of it can
-- revive a feed marked gone. NULL on rows synced before this column existed: the first
-- sync only records it, and revives nothing.
ALTER TABLE feeds ADD COLUMN config TEXT;

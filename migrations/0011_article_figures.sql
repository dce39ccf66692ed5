-- The casualty figures each article version states, read once with the version (JSON array
-- of observations). NULL for versions stored before this column: they are read again when
-- a story first needs them.
ALTER TABLE articles ADD COLUMN figures TEXT;

-- The newest item id when a story round last judged the whole re-judge window with the
-- background as it then stood. Rounds judge only touched and newer items until the
-- background has taken in more new items than the stated tolerance (a share of its size):
-- its name weights have then moved enough to judge the window again. NULL: unknown, so the
-- next round judges the window.
ALTER TABLE story_rounds ADD COLUMN weights_item INTEGER;

-- How long each feed took to answer last time: a cycle asks the slowest feeds first, so
-- that their wait overlaps the others instead of coming last.
ALTER TABLE feeds ADD COLUMN last_elapsed_ms DOUBLE;
COMMENT ON COLUMN feeds.last_elapsed_ms IS 'Time the last fetch of the feed took, in milliseconds (the next cycle starts the slowest feeds first).';

-- 005: feeds.last_elapsed_ms no longer counts the time a feed waited for a connection slot
-- behind other feeds of the cycle (that said where it stood in the queue, not how slow it
-- is, and kept slow feeds from being asked first).
COMMENT ON COLUMN feeds.last_elapsed_ms IS 'Time the feed took to answer its last fetch, in milliseconds, retries included and waiting for a connection slot excluded (the next cycle starts the slowest feeds first).';

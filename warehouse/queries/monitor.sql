-- Monitoring cycle: state reads, the per-batch anti-join and the batch writes.

-- name: feed_states
SELECT name, url, etag, last_modified, consecutive_failures, last_elapsed_ms FROM feeds;

-- name: new_candidates
-- Candidates (batch_rows: idx, doc_id, entry_key, guid) never seen by entry key, GUID or
-- document id: one anti-join per batch instead of one lookup per entry.
SELECT c.idx FROM batch_rows c
ANTI JOIN entries e ON e.entry_key = c.entry_key
ANTI JOIN documents d ON d.doc_id = c.doc_id
ANTI JOIN (SELECT DISTINCT guid FROM entries WHERE guid IS NOT NULL) g ON g.guid = c.guid
ORDER BY c.idx;

-- name: known_documents
SELECT b.doc_id FROM batch_rows b SEMI JOIN documents d ON d.doc_id = b.doc_id;

-- name: recent_sketches
SELECT doc_id, sketch FROM documents
WHERE sketch IS NOT NULL AND len(sketch) > 0 AND duplicate_of IS NULL AND ingested_at >= ?;

-- name: upsert_feeds
INSERT OR REPLACE INTO feeds BY NAME SELECT * FROM batch_rows;

-- name: insert_fetches
INSERT INTO fetches BY NAME SELECT * FROM batch_rows;

-- name: insert_entries
INSERT INTO entries BY NAME SELECT * FROM batch_rows ON CONFLICT DO NOTHING;

-- name: upsert_raw_pages
INSERT OR REPLACE INTO raw_pages BY NAME SELECT * FROM batch_rows;

-- name: raw_pages_since
SELECT r.doc_id, r.url, r.content_type, r.body_gzip, d.source_id, d.url AS entry_url,
       d.title, d.published, d.canonical_url, d.feed_name, d.duplicate_of,
       d.similarity_to_original, d.fallback
FROM raw_pages r JOIN documents d USING (doc_id)
WHERE r.fetched_at >= ?
ORDER BY r.fetched_at;

-- name: feed_health
SELECT name, url, last_status, consecutive_failures, consecutive_failures >= ? AS unhealthy,
       last_error, last_fetched_at
FROM feeds ORDER BY unhealthy DESC, name;

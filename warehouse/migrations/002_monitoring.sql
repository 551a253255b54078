-- Monitoring: feed entries, raw pages, syndication links and per-feed health.
ALTER TABLE documents ADD COLUMN canonical_url VARCHAR;
ALTER TABLE documents ADD COLUMN site_name VARCHAR;
ALTER TABLE documents ADD COLUMN feed_name VARCHAR;
ALTER TABLE documents ADD COLUMN duplicate_of VARCHAR;
ALTER TABLE documents ADD COLUMN similarity_to_original DOUBLE;
ALTER TABLE documents ADD COLUMN fallback VARCHAR;
ALTER TABLE documents ADD COLUMN sketch UBIGINT[];
COMMENT ON COLUMN documents.canonical_url IS 'Canonical URL (no tracking parameters or fragment); article ids derive from it.';
COMMENT ON COLUMN documents.site_name IS 'Outlet (site name from the page, else host); syndicated copies count per outlet.';
COMMENT ON COLUMN documents.feed_name IS 'Feed or folder source that first delivered the document.';
COMMENT ON COLUMN documents.duplicate_of IS 'Earlier document this one is a syndicated copy of (same story), else NULL.';
COMMENT ON COLUMN documents.similarity_to_original IS 'Estimated text similarity to the document in duplicate_of.';
COMMENT ON COLUMN documents.fallback IS 'Why the text came from the feed summary instead of the page, else NULL.';
COMMENT ON COLUMN documents.sketch IS 'Bottom-k shingle sketch used to find syndicated copies.';

CREATE TABLE entries (
    entry_key VARCHAR PRIMARY KEY,
    feed_name VARCHAR NOT NULL,
    guid VARCHAR,
    canonical_url VARCHAR,
    doc_id VARCHAR NOT NULL,
    title VARCHAR,
    published_raw VARCHAR,
    date_problem VARCHAR,
    run_id VARCHAR NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE entries IS 'Feed entries already ingested: an entry seen before is not fetched again.';
COMMENT ON COLUMN entries.entry_key IS 'GUID when the feed gives one, else canonical URL, else a content hash.';
COMMENT ON COLUMN entries.feed_name IS 'Feed that delivered the entry first.';
COMMENT ON COLUMN entries.guid IS 'GUID or Atom id of the entry.';
COMMENT ON COLUMN entries.canonical_url IS 'Canonical URL of the entry link.';
COMMENT ON COLUMN entries.doc_id IS 'Document made from the entry.';
COMMENT ON COLUMN entries.title IS 'Entry title as the feed gives it.';
COMMENT ON COLUMN entries.published_raw IS 'Publication date exactly as the feed wrote it.';
COMMENT ON COLUMN entries.date_problem IS 'Why the date could not be used, if it could not.';
COMMENT ON COLUMN entries.run_id IS 'Run that ingested the entry.';
COMMENT ON COLUMN entries.seen_at IS 'When the entry was ingested.';

CREATE TABLE raw_pages (
    doc_id VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    content_type VARCHAR,
    fetched_at TIMESTAMP NOT NULL,
    body_gzip BLOB NOT NULL
);
COMMENT ON TABLE raw_pages IS 'Raw response bodies (gzip) so that `belmon reprocess` can re-extract without fetching.';
COMMENT ON COLUMN raw_pages.doc_id IS 'Document made from the page.';
COMMENT ON COLUMN raw_pages.url IS 'Final URL after redirects.';
COMMENT ON COLUMN raw_pages.content_type IS 'Content-Type of the response.';
COMMENT ON COLUMN raw_pages.fetched_at IS 'When the page was fetched.';
COMMENT ON COLUMN raw_pages.body_gzip IS 'Response body, gzip-compressed.';

ALTER TABLE feeds ADD COLUMN last_error VARCHAR;
ALTER TABLE feeds ADD COLUMN entries_last_seen INTEGER;
COMMENT ON COLUMN feeds.last_error IS 'Reason of the last failure or parse problem.';
COMMENT ON COLUMN feeds.entries_last_seen IS 'Entries in the feed at the last successful fetch.';

CREATE VIEW stories AS
SELECT coalesce(d.duplicate_of, d.doc_id) AS story_id,
       count(*) AS copies,
       count(DISTINCT coalesce(d.site_name, d.canonical_url)) AS outlets,
       min(d.ingested_at) AS first_seen,
       any_value(o.title) AS title
FROM documents d
LEFT JOIN documents o ON o.doc_id = coalesce(d.duplicate_of, d.doc_id)
WHERE d.kind IN ('article', 'folder')
GROUP BY ALL;
COMMENT ON VIEW stories IS 'One row per story: syndicated copies count once, with the number of independent outlets.';
COMMENT ON COLUMN stories.story_id IS 'Document id of the first copy of the story.';
COMMENT ON COLUMN stories.copies IS 'Documents that carry the story.';
COMMENT ON COLUMN stories.outlets IS 'Independent outlets that carried it.';
COMMENT ON COLUMN stories.first_seen IS 'When the first copy was ingested.';
COMMENT ON COLUMN stories.title IS 'Title of the first copy.';

-- name: count_documents
SELECT count(*) FROM documents;
-- name: count_passages
SELECT count(*) FROM passages;
-- name: count_passage_themes
SELECT count(*) FROM passage_themes;
-- name: count_themes
SELECT count(*) FROM themes;
-- name: count_recommendations
SELECT count(*) FROM recommendations;
-- name: count_claims
SELECT count(*) FROM claims;
-- name: count_metrics
SELECT count(*) FROM metrics;
-- name: count_figures
SELECT count(*) FROM figures;
-- name: count_feeds
SELECT count(*) FROM feeds;
-- name: count_fetches
SELECT count(*) FROM fetches;
-- name: count_alerts
SELECT count(*) FROM alerts;
-- name: count_runs
SELECT count(*) FROM runs;

-- name: documents_overview
SELECT doc_id, kind, title, published, (SELECT count(*) FROM passages p WHERE p.doc_id = d.doc_id)
FROM documents d ORDER BY kind, published NULLS LAST, doc_id;

-- name: recent_runs
SELECT run_id, flow, started_at, finished_at, status FROM runs ORDER BY started_at DESC LIMIT ?;

-- name: list_themes
SELECT t.theme_id, t.label,
       (SELECT count(*) FROM recommendations r WHERE list_contains(r.themes, t.theme_id)),
       (SELECT count(*) FROM passage_themes pt WHERE pt.theme_id = t.theme_id AND pt.assigned)
FROM themes t ORDER BY t.theme_id;

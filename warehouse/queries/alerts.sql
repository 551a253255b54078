-- Novelty inputs and the alert outbox.

-- name: representative_figures
SELECT f.figure_id, f.doc_id, f.metric_id, f.subject, f.value, f.value_high, f.qualifier,
       f.as_of, f.published, d.title, d.kind
FROM figures f JOIN documents d USING (doc_id)
WHERE f.representative
ORDER BY f.as_of NULLS FIRST, f.published NULLS FIRST, f.figure_id;

-- name: unannounced_items
SELECT b.item_key FROM batch_rows b ANTI JOIN alert_items a ON a.item_key = b.item_key;

-- name: insert_alerts
INSERT INTO alerts BY NAME SELECT * FROM batch_rows ON CONFLICT DO NOTHING;

-- name: insert_alert_items
INSERT INTO alert_items BY NAME SELECT * FROM batch_rows ON CONFLICT DO NOTHING;

-- name: due_alerts
SELECT alert_id, kind, title, body, body_text, body_html, tags, attempts
FROM alerts
WHERE status <> 'sent' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
ORDER BY created_at, alert_id;

-- name: mark_sent
UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL,
       next_attempt_at = NULL
WHERE alert_id = ?;

-- name: mark_failed
UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = ?
WHERE alert_id = ?;

-- name: list_alerts
SELECT alert_id, kind, status, attempts, created_at, sent_at, title, last_error
FROM alerts WHERE ? IS NULL OR status = ? ORDER BY created_at DESC, alert_id LIMIT ?;

-- name: retry_all_now
UPDATE alerts SET next_attempt_at = NULL WHERE status <> 'sent';

-- name: digest_figures
SELECT f.figure_id, f.metric_id, f.value, f.value_high, f.qualifier, f.unit, f.subject, f.as_of,
       f.sentence, f.previous_value, f.previous_as_of, f.previous_figure_id,
       d.doc_id, d.title, d.site_name, d.url, d.published
FROM figures f JOIN documents d USING (doc_id)
WHERE f.is_new AND d.ingested_at >= ? ORDER BY f.metric_id, f.as_of;

-- name: digest_claims
SELECT c.claim_id, c.text, c.themes, c.similarity, n.text AS nearest,
       d.doc_id, d.title, d.site_name, d.url, d.published
FROM claims c JOIN documents d USING (doc_id) LEFT JOIN claims n ON n.claim_id = c.nearest_claim_id
WHERE c.novel AND d.ingested_at >= ? AND len(c.themes) > 0 ORDER BY c.claim_id;

-- name: digest_theme_counts
SELECT t.theme_id, count(DISTINCT p.doc_id)
FROM passage_themes t JOIN documents d ON d.doc_id = t.doc_id JOIN passages p USING (passage_id)
WHERE t.assigned AND d.kind IN ('article', 'folder') AND d.ingested_at >= ?
GROUP BY t.theme_id ORDER BY t.theme_id;

-- name: figure_sources
SELECT f.figure_id, f.value, f.qualifier, f.as_of, d.title, d.kind
FROM figures f JOIN documents d USING (doc_id) WHERE f.figure_id IN (SELECT figure_id FROM batch_rows);

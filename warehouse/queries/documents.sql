-- Batch writers for analysed documents. `batch_*` relations are Arrow tables registered
-- by warehouse/writers.py for the length of one transaction.

-- name: document_versions
SELECT doc_id, content_sha256, analysis_version FROM documents;

-- name: delete_document_rows
DELETE FROM passage_themes WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);
DELETE FROM recommendations WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);
DELETE FROM claims WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);
DELETE FROM figures WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);
DELETE FROM passages WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);
DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_doc_ids);

-- name: insert_documents
INSERT INTO documents BY NAME SELECT * FROM batch_rows;

-- name: insert_passages
INSERT INTO passages BY NAME SELECT * FROM batch_rows;

-- name: insert_passage_themes
INSERT INTO passage_themes BY NAME SELECT * FROM batch_rows;

-- name: insert_recommendations
INSERT INTO recommendations BY NAME SELECT * FROM batch_rows;

-- name: insert_claims
INSERT INTO claims BY NAME SELECT * FROM batch_rows;

-- name: insert_figures
INSERT INTO figures BY NAME SELECT * FROM batch_rows;

-- name: upsert_themes
INSERT OR REPLACE INTO themes BY NAME SELECT * FROM batch_rows;

-- name: upsert_metrics
INSERT OR REPLACE INTO metrics BY NAME SELECT * FROM batch_rows;

-- name: interrupt_stale_runs
-- Called while holding the run lock: any run still marked running was killed.
UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND flow = ?;

-- name: insert_run
INSERT INTO runs (run_id, flow, started_at, status) VALUES (?, ?, ?, 'running')
ON CONFLICT DO NOTHING;

-- name: finish_run
UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE run_id = ?;

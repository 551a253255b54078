-- Read-side queries of `belmon analyze`, `belmon eval` and `belmon explain`.

-- name: analysis_known_claims
SELECT c.claim_id, c.text, d.published
FROM claims c JOIN documents d USING (doc_id)
ORDER BY c.claim_id;

-- name: analysis_known_recommendations
SELECT r.rec_id, r.text, d.published
FROM recommendations r JOIN documents d USING (doc_id)
ORDER BY r.rec_id;

-- name: analysis_prototype_recommendations
-- Prototypes come from reference documents only: monitored articles must not teach the
-- classifier its own mistakes.
SELECT r.rec_id, r.text, r.themes FROM recommendations r JOIN documents d USING (doc_id)
WHERE len(r.themes) > 0 AND d.kind = 'reference' ORDER BY r.rec_id;

-- name: analysis_prototype_passages
SELECT p.passage_id, p.text, list(pt.theme_id ORDER BY pt.theme_id)
FROM passages p JOIN passage_themes pt USING (passage_id) JOIN documents d ON d.doc_id = p.doc_id
WHERE pt.assigned AND d.kind = 'reference'
GROUP BY p.passage_id, p.text
ORDER BY p.passage_id;

-- name: analysis_document_header
SELECT doc_id, title, kind, published FROM documents WHERE doc_id = ?;

-- name: analysis_document_theme_evidence
SELECT pt.theme_id, pt.passage_id, pt.score, pt.evidence, p.text
FROM passage_themes pt JOIN passages p USING (passage_id)
WHERE pt.doc_id = ? AND pt.assigned
ORDER BY pt.theme_id, pt.score DESC, p.idx;

-- name: analysis_document_passages
SELECT passage_id, text FROM passages WHERE doc_id = ? ORDER BY idx;

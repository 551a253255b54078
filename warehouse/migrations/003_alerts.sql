-- Figure and claim novelty, and the alert outbox's items.
ALTER TABLE figures ADD COLUMN representative BOOLEAN DEFAULT true;
ALTER TABLE figures ADD COLUMN is_new BOOLEAN;
ALTER TABLE figures ADD COLUMN previous_figure_id VARCHAR;
ALTER TABLE figures ADD COLUMN previous_value DOUBLE;
ALTER TABLE figures ADD COLUMN previous_as_of DATE;
ALTER TABLE figures ADD COLUMN disagrees_with VARCHAR;
COMMENT ON COLUMN figures.representative IS 'True for the figure that speaks for its document on this metric and subject (stated date and exact value beat a rounded restatement).';
COMMENT ON COLUMN figures.is_new IS 'True when the figure was news when ingested (no earlier value, or a new value or as-of date); NULL for reference documents.';
COMMENT ON COLUMN figures.previous_figure_id IS 'Latest known figure of the same metric and subject when this one was ingested.';
COMMENT ON COLUMN figures.previous_value IS 'Value of that previous figure.';
COMMENT ON COLUMN figures.previous_as_of IS 'As-of date of that previous figure.';
COMMENT ON COLUMN figures.disagrees_with IS 'A figure from another source for the same metric, subject and date with a different value.';

ALTER TABLE alerts ADD COLUMN body_text VARCHAR;
ALTER TABLE alerts ADD COLUMN body_html VARCHAR;
COMMENT ON COLUMN alerts.body_text IS 'Plain-text body (e-mail).';
COMMENT ON COLUMN alerts.body_html IS 'HTML body (e-mail), every piece of article text escaped.';

CREATE TABLE alert_items (
    item_key VARCHAR PRIMARY KEY,
    alert_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    ref_id VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE alert_items IS 'What each alert announced; an item is announced once, whatever re-runs happen.';
COMMENT ON COLUMN alert_items.item_key IS 'new_figure:<metric>:<subject>:<value>:<as-of> or new_claim:<claim fingerprint>.';
COMMENT ON COLUMN alert_items.alert_id IS 'Alert that announced the item.';
COMMENT ON COLUMN alert_items.kind IS 'new_figure or new_claim.';
COMMENT ON COLUMN alert_items.doc_id IS 'Document that reported it.';
COMMENT ON COLUMN alert_items.ref_id IS 'figure_id or claim_id.';
COMMENT ON COLUMN alert_items.created_at IS 'When the item was announced.';

CREATE OR REPLACE VIEW latest_figures AS
SELECT metric_id AS metric, subject, value, value_high, qualifier, unit, as_of,
       doc_id, title AS source_title, sentence
FROM (
    SELECT f.*, d.title,
           row_number() OVER (
               PARTITION BY f.metric_id, coalesce(f.subject, '')
               ORDER BY f.as_of DESC NULLS LAST, f.as_of_explicit DESC,
                        (f.qualifier IS NULL) DESC, f.published DESC NULLS LAST, f.figure_id
           ) AS rank
    FROM figures f JOIN documents d USING (doc_id)
    WHERE f.representative
)
WHERE rank = 1;
COMMENT ON VIEW latest_figures IS 'Per metric and subject, the figure with the latest as-of date among each document''s representative figures (a precise dated figure outranks a rounded restatement).';
COMMENT ON COLUMN latest_figures.metric IS 'Metric id.';
COMMENT ON COLUMN latest_figures.subject IS 'Whom the figure is about, for metrics with a subject.';
COMMENT ON COLUMN latest_figures.value IS 'Latest value.';
COMMENT ON COLUMN latest_figures.value_high IS 'High end of a range, else NULL.';
COMMENT ON COLUMN latest_figures.qualifier IS 'nearly, about, more than, at least, up to, less than, or NULL.';
COMMENT ON COLUMN latest_figures.unit IS 'Unit of the value.';
COMMENT ON COLUMN latest_figures.as_of IS 'Date the value refers to.';
COMMENT ON COLUMN latest_figures.doc_id IS 'Document that reported it.';
COMMENT ON COLUMN latest_figures.source_title IS 'Title of that document.';
COMMENT ON COLUMN latest_figures.sentence IS 'Sentence that reported it.';

-- Foundation schema: reference documents, their passages and what analysis found in them.
CREATE TABLE documents (
    doc_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    source_id VARCHAR,
    title VARCHAR,
    authors VARCHAR[],
    publisher VARCHAR,
    url VARCHAR,
    published DATE,
    language VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    analysis_version VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE documents IS 'One row per analysed text: a reference document, a fetched article or a folder file.';
COMMENT ON COLUMN documents.doc_id IS 'Stable id: ref:<manifest id> for reference documents, file:<name> for unlisted seed files.';
COMMENT ON COLUMN documents.kind IS 'reference, article or folder.';
COMMENT ON COLUMN documents.source_id IS 'Manifest id (seeds/sources.toml) or feed name the document came from.';
COMMENT ON COLUMN documents.title IS 'Title from the manifest, the page or the file.';
COMMENT ON COLUMN documents.authors IS 'Authors as listed by the manifest or the page.';
COMMENT ON COLUMN documents.publisher IS 'Publisher or outlet.';
COMMENT ON COLUMN documents.url IS 'Where the document can be found (provenance), when known.';
COMMENT ON COLUMN documents.published IS 'Publication date; relative dates in the text resolve against it.';
COMMENT ON COLUMN documents.language IS 'ISO 639-1 language code.';
COMMENT ON COLUMN documents.content_sha256 IS 'sha256 of the normalised text: a changed text replaces the old rows.';
COMMENT ON COLUMN documents.text IS 'Normalised full text (kept locally, never redistributed).';
COMMENT ON COLUMN documents.extractor_version IS 'Version of the text extraction that produced the text.';
COMMENT ON COLUMN documents.analysis_version IS 'Version of the analysis that produced passages, claims and figures.';
COMMENT ON COLUMN documents.ingested_at IS 'When the current version of the document was written.';

CREATE TABLE passages (
    passage_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    section VARCHAR,
    author VARCHAR,
    text VARCHAR NOT NULL
);
COMMENT ON TABLE passages IS 'Paragraphs and list items of a document, in order.';
COMMENT ON COLUMN passages.passage_id IS 'Stable id: <doc_id>#<idx>.';
COMMENT ON COLUMN passages.doc_id IS 'Document the passage belongs to.';
COMMENT ON COLUMN passages.idx IS 'Position of the passage in its document, from 0.';
COMMENT ON COLUMN passages.kind IS 'paragraph or list_item.';
COMMENT ON COLUMN passages.section IS 'Heading of the section the passage sits in, if any.';
COMMENT ON COLUMN passages.author IS 'Author of the section (multi-author papers) or of the document.';
COMMENT ON COLUMN passages.text IS 'Passage text.';

CREATE TABLE themes (
    theme_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    key_phrases VARCHAR[] NOT NULL
);
COMMENT ON TABLE themes IS 'Recommendation themes (seeds/themes.toml).';
COMMENT ON COLUMN themes.theme_id IS 'Fixed theme id, e.g. sanctions.';
COMMENT ON COLUMN themes.label IS 'Human label.';
COMMENT ON COLUMN themes.description IS 'What the theme covers.';
COMMENT ON COLUMN themes.key_phrases IS 'Phrases characteristic of the theme.';

CREATE TABLE passage_themes (
    passage_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    theme_id VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    assigned BOOLEAN NOT NULL,
    evidence VARCHAR,
    PRIMARY KEY (passage_id, theme_id)
);
COMMENT ON TABLE passage_themes IS 'Theme score of every passage for every theme with a non-zero score.';
COMMENT ON COLUMN passage_themes.passage_id IS 'Scored passage.';
COMMENT ON COLUMN passage_themes.doc_id IS 'Document of the passage (denormalised for fast per-document queries).';
COMMENT ON COLUMN passage_themes.theme_id IS 'Theme scored.';
COMMENT ON COLUMN passage_themes.score IS 'Classifier score in [0, 1].';
COMMENT ON COLUMN passage_themes.assigned IS 'True when the score passed the theme threshold (0-3 themes per passage).';
COMMENT ON COLUMN passage_themes.evidence IS 'Key phrases or nearest seed passages that drove the score.';

CREATE TABLE recommendations (
    rec_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    passage_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    actor VARCHAR,
    author VARCHAR,
    themes VARCHAR[] NOT NULL
);
COMMENT ON TABLE recommendations IS 'Sentences and list items that prescribe action.';
COMMENT ON COLUMN recommendations.rec_id IS 'Stable id: <passage_id>.r<n>.';
COMMENT ON COLUMN recommendations.doc_id IS 'Document the recommendation comes from.';
COMMENT ON COLUMN recommendations.passage_id IS 'Passage the recommendation comes from.';
COMMENT ON COLUMN recommendations.text IS 'The prescribing sentence or list item.';
COMMENT ON COLUMN recommendations.actor IS 'Who is asked to act (EU, US, the West, OSCE...), when stated.';
COMMENT ON COLUMN recommendations.author IS 'Author of the section that makes the recommendation.';
COMMENT ON COLUMN recommendations.themes IS 'Themes assigned to the recommendation.';

CREATE TABLE claims (
    claim_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    passage_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    themes VARCHAR[] NOT NULL,
    novel BOOLEAN,
    nearest_claim_id VARCHAR,
    similarity DOUBLE
);
COMMENT ON TABLE claims IS 'Check-worthy declarative sentences: facts, figures and evaluations.';
COMMENT ON COLUMN claims.claim_id IS 'Stable id: <passage_id>.c<n>.';
COMMENT ON COLUMN claims.doc_id IS 'Document the claim comes from.';
COMMENT ON COLUMN claims.passage_id IS 'Passage the claim comes from.';
COMMENT ON COLUMN claims.text IS 'The claim sentence.';
COMMENT ON COLUMN claims.fingerprint IS 'Normalised content hash: the same claim from two sources shares it.';
COMMENT ON COLUMN claims.themes IS 'Themes of the passage the claim sits in.';
COMMENT ON COLUMN claims.novel IS 'True when no earlier known claim is equivalent (NULL for reference documents).';
COMMENT ON COLUMN claims.nearest_claim_id IS 'Most similar earlier claim.';
COMMENT ON COLUMN claims.similarity IS 'Similarity to the nearest earlier claim in [0, 1].';

CREATE TABLE metrics (
    metric_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    has_subject BOOLEAN NOT NULL
);
COMMENT ON TABLE metrics IS 'Tracked figure metrics (seeds/metrics.toml).';
COMMENT ON COLUMN metrics.metric_id IS 'Fixed metric id, e.g. political_prisoners.';
COMMENT ON COLUMN metrics.label IS 'Human label.';
COMMENT ON COLUMN metrics.description IS 'What is counted.';
COMMENT ON COLUMN metrics.unit IS 'people, percent, organisations, cases or entities.';
COMMENT ON COLUMN metrics.has_subject IS 'True when figures are about someone (vote share, approval rating).';

CREATE TABLE figures (
    figure_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    passage_id VARCHAR NOT NULL,
    metric_id VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    value_high DOUBLE,
    qualifier VARCHAR,
    unit VARCHAR NOT NULL,
    subject VARCHAR,
    as_of DATE,
    as_of_explicit BOOLEAN NOT NULL,
    phrase VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    published DATE
);
COMMENT ON TABLE figures IS 'Figures reported for tracked metrics, one row per mention.';
COMMENT ON COLUMN figures.figure_id IS 'Stable id: <passage_id>.f<n>.';
COMMENT ON COLUMN figures.doc_id IS 'Document that reports the figure.';
COMMENT ON COLUMN figures.passage_id IS 'Passage that reports the figure.';
COMMENT ON COLUMN figures.metric_id IS 'Tracked metric.';
COMMENT ON COLUMN figures.value IS 'Normalised value (1,372 -> 1372; a range stores its low end).';
COMMENT ON COLUMN figures.value_high IS 'High end of a range, else NULL.';
COMMENT ON COLUMN figures.qualifier IS 'nearly, about, more than, at least, up to, less than, or NULL when exact.';
COMMENT ON COLUMN figures.unit IS 'Unit of the value.';
COMMENT ON COLUMN figures.subject IS 'Whom the figure is about, for metrics with a subject.';
COMMENT ON COLUMN figures.as_of IS 'Date the figure refers to: stated in the text or the publication date.';
COMMENT ON COLUMN figures.as_of_explicit IS 'True when the text states the as-of date.';
COMMENT ON COLUMN figures.phrase IS 'The matched words, e.g. 1,372 political prisoners.';
COMMENT ON COLUMN figures.sentence IS 'The sentence that reports the figure.';
COMMENT ON COLUMN figures.published IS 'Publication date of the reporting document.';

CREATE TABLE feeds (
    name VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL,
    etag VARCHAR,
    last_modified VARCHAR,
    last_status VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_fetched_at TIMESTAMP
);
COMMENT ON TABLE feeds IS 'Monitored feeds and their conditional-GET state.';
COMMENT ON COLUMN feeds.name IS 'Feed name from feeds.toml.';
COMMENT ON COLUMN feeds.url IS 'Feed URL.';
COMMENT ON COLUMN feeds.etag IS 'ETag of the last successful response, sent as If-None-Match.';
COMMENT ON COLUMN feeds.last_modified IS 'Last-Modified of the last successful response, sent as If-Modified-Since.';
COMMENT ON COLUMN feeds.last_status IS 'Outcome of the last fetch: ok, not_modified or failed.';
COMMENT ON COLUMN feeds.consecutive_failures IS 'Failed runs in a row; unhealthy from settings.unhealthy_after.';
COMMENT ON COLUMN feeds.last_fetched_at IS 'When the feed was last fetched.';

CREATE TABLE fetches (
    run_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    status_code INTEGER,
    reason VARCHAR,
    elapsed_ms DOUBLE,
    fetched_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE fetches IS 'Every fetch attempt with its outcome: failures are data.';
COMMENT ON COLUMN fetches.run_id IS 'Run that made the fetch.';
COMMENT ON COLUMN fetches.url IS 'Requested URL.';
COMMENT ON COLUMN fetches.kind IS 'feed, article or folder.';
COMMENT ON COLUMN fetches.outcome IS 'ok, not_modified, failed or fallback.';
COMMENT ON COLUMN fetches.status_code IS 'HTTP status, when a response arrived.';
COMMENT ON COLUMN fetches.reason IS 'Why it failed or fell back, in words.';
COMMENT ON COLUMN fetches.elapsed_ms IS 'Time spent, in milliseconds.';
COMMENT ON COLUMN fetches.fetched_at IS 'When the fetch finished.';

CREATE TABLE alerts (
    alert_id VARCHAR PRIMARY KEY,
    dedup_key VARCHAR NOT NULL UNIQUE,
    kind VARCHAR NOT NULL,
    doc_id VARCHAR,
    tags VARCHAR[] NOT NULL,
    title VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP,
    sent_at TIMESTAMP
);
COMMENT ON TABLE alerts IS 'Outbox: alerts are written here before they are sent.';
COMMENT ON COLUMN alerts.alert_id IS 'Alert id.';
COMMENT ON COLUMN alerts.dedup_key IS 'kind + what is new (metric/value/as-of or claim fingerprint): never sent twice.';
COMMENT ON COLUMN alerts.kind IS 'new_figure, new_claim or digest.';
COMMENT ON COLUMN alerts.doc_id IS 'Document that raised the alert.';
COMMENT ON COLUMN alerts.tags IS 'Kind and themes; channels subscribe by tag.';
COMMENT ON COLUMN alerts.title IS 'Short title.';
COMMENT ON COLUMN alerts.body IS 'Markdown body.';
COMMENT ON COLUMN alerts.status IS 'pending, sent or failed.';
COMMENT ON COLUMN alerts.attempts IS 'Delivery attempts so far.';
COMMENT ON COLUMN alerts.last_error IS 'Last delivery error, with credentials redacted.';
COMMENT ON COLUMN alerts.created_at IS 'When the alert was written.';
COMMENT ON COLUMN alerts.next_attempt_at IS 'Earliest time of the next delivery attempt (backoff).';
COMMENT ON COLUMN alerts.sent_at IS 'When apprise reported success.';

CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    flow VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    counts JSON
);
COMMENT ON TABLE runs IS 'One row per flow run, with its counts.';
COMMENT ON COLUMN runs.run_id IS 'Run id.';
COMMENT ON COLUMN runs.flow IS 'Flow name, e.g. seed-warehouse.';
COMMENT ON COLUMN runs.started_at IS 'Start time.';
COMMENT ON COLUMN runs.finished_at IS 'End time (NULL while running or after a crash).';
COMMENT ON COLUMN runs.status IS 'running, completed or failed.';
COMMENT ON COLUMN runs.counts IS 'What the run did, as JSON.';

CREATE VIEW latest_figures AS
SELECT metric_id AS metric, subject, value, value_high, qualifier, unit, as_of,
       doc_id, title AS source_title, sentence
FROM (
    SELECT f.*, d.title,
           row_number() OVER (
               PARTITION BY f.metric_id, coalesce(f.subject, '')
               ORDER BY f.published DESC NULLS LAST, f.as_of_explicit DESC,
                        (f.qualifier IS NULL) DESC, f.as_of DESC NULLS LAST, f.figure_id
           ) AS rank
    FROM figures f JOIN documents d USING (doc_id)
)
WHERE rank = 1;
COMMENT ON VIEW latest_figures IS 'Per metric and subject, the value of the most recent source; within a source a precise figure with a stated date outranks a rounded restatement.';

CREATE VIEW passages_by_theme AS
SELECT pt.theme_id AS theme, pt.score, p.passage_id, p.doc_id, d.title, p.section, p.author, p.text
FROM passage_themes pt
JOIN passages p USING (passage_id)
JOIN documents d ON d.doc_id = p.doc_id
WHERE pt.assigned;
COMMENT ON VIEW passages_by_theme IS 'Passages with each theme they were assigned, highest scores first when ordered by score.';
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
COMMENT ON COLUMN passages_by_theme.theme IS 'Assigned theme.';
COMMENT ON COLUMN passages_by_theme.score IS 'Classifier score in [0, 1].';
COMMENT ON COLUMN passages_by_theme.passage_id IS 'Passage id.';
COMMENT ON COLUMN passages_by_theme.doc_id IS 'Document id.';
COMMENT ON COLUMN passages_by_theme.title IS 'Document title.';
COMMENT ON COLUMN passages_by_theme.section IS 'Section heading.';
COMMENT ON COLUMN passages_by_theme.author IS 'Section or document author.';
COMMENT ON COLUMN passages_by_theme.text IS 'Passage text.';

-- name: create_schema_version
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE schema_version IS 'Applied migrations, one row each.';
COMMENT ON COLUMN schema_version.version IS 'Migration number.';
COMMENT ON COLUMN schema_version.name IS 'Migration file name.';
COMMENT ON COLUMN schema_version.applied_at IS 'When it was applied.';

-- name: current_version
SELECT coalesce(max(version), 0) FROM schema_version;

-- name: record_migration
INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP);

-- name: table_counts
SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = current_database()
ORDER BY table_name;

-- name: schema_columns
SELECT table_name, column_name, data_type, comment
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
ORDER BY table_name, column_index;

-- name: schema_relations
SELECT table_name AS name, 'table' AS kind, comment FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
ORDER BY kind, name;

"""The only code that speaks SQL: migrations, connections, named queries, batch writers."""

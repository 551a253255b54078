"""Prefect flows: they orchestrate extractors/ and warehouse/ and hold no parsing and no SQL."""

"""Data stages: ingest, schema validation and split (pure functions on DataFrames)."""

"""Data: where it comes from, its contract (schema, labels, violations) and the train/test split."""

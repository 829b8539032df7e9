"""Pull-request review: compare the workspace with a base revision, gate it, render markdown."""

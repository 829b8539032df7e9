"""The one place that runs version-control programs (git, gh): one wrapper and one error each."""

"""mlgate: a GitHub Actions-centric ML CI/CD template and its helper package."""

__version__ = "0.1.0"

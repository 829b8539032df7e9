"""One exception type per kind of user mistake; the CLI prints each as one clear line."""


class MlgateError(Exception):
    """A mistake in the user's params, data or arguments (never a bug in mlgate)."""


class ConfigError(MlgateError):
    """params.yaml is malformed, has an unknown key, or a value of the wrong type."""


class SourceError(MlgateError):
    """The data source cannot be found, read or parsed."""


class DataValidationError(MlgateError):
    """The data breaks its schema; carries every violation, not just the first."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        listed = "; ".join(violations)
        super().__init__(f"data validation failed with {len(violations)} violation(s): {listed}")


class ModelConfigError(MlgateError):
    """The estimator named in params cannot be imported or rejects its hyperparameters."""


class ArtifactError(MlgateError):
    """A pipeline artefact is missing, untrusted, or out of step with the others."""


class ReviewError(MlgateError):
    """The review cannot compare: the base revision is missing or the repository is not ready."""


class DvcError(MlgateError):
    """DVC cannot open the repository, read a revision or run a command."""


class GitError(MlgateError):
    """git is missing, the folder is not a repository, a ref names no commit, or git failed."""


class GitHubCliError(MlgateError):
    """`gh` is missing, not signed in, or one of its calls failed (no such branch on GitHub...)."""


class EnvironmentLockError(MlgateError):
    """uv.lock is missing, malformed, or does not resolve the project's dependencies."""

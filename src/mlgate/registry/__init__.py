"""The model registry: versions and stages of the `model` artifact as GTO git tags.

Thin over GTO (tags `model@vX.Y.Z` register versions, `model#<stage>#N` assign stages) and over
`dvc.lock` at each commit (what the model's hash is, and what made it). mlgate adds only what
GTO does not know: when the model changed, which bump that is, and how to roll a stage back.
"""

from mlgate.errors import MlgateError


class RegistryError(MlgateError):
    """A registry request that cannot be met: unknown stage, version or ref, or no model."""

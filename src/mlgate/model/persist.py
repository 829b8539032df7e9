"""Save and load the model with skops: no pickle, and only allow-listed types on load.

skops names its array files and object ids after `id()`, and stamps zip entries with the
current time, so the same model gives different bytes each run. `canonical_model_bytes`
renumbers both and fixes the timestamps: the same data and params then give the same file,
which keeps `dvc.lock` stable across machines.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from mlgate.errors import ArtifactError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

SCHEMA_ENTRY = "schema.json"
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Packages whose *classes* the loader accepts beyond skops' own defaults. Functions are never
# accepted: a model file naming e.g. numpy.testing's runstring would otherwise execute code.
TRUSTED_MODULE_ROOTS = frozenset({"sklearn", "numpy", "scipy"})


class _Renumberer:
    """Maps id()-derived names to their order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.files: dict[str, str] = {}

    def walk(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "__id__":
                out[key] = self.ids.setdefault(value, len(self.ids))
            elif key == "file" and isinstance(value, str) and value.endswith(".npy"):
                out[key] = self.files.setdefault(value, f"{len(self.files):06d}.npy")
            else:
                out[key] = self.walk(value)
        return out


def canonical_model_bytes(raw: bytes) -> bytes:
    """Rewrite a skops archive so that identical models give identical bytes."""
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        schema = json.loads(source.read(SCHEMA_ENTRY))
        renumber = _Renumberer()
        canonical_schema = renumber.walk(schema)
        entries = {SCHEMA_ENTRY: json.dumps(canonical_schema, indent=1, sort_keys=True).encode()}
        for old, new in renumber.files.items():
            entries[new] = source.read(old)
        unreferenced = set(source.namelist()) - set(renumber.files) - {SCHEMA_ENTRY}
        for name in unreferenced:
            entries[name] = source.read(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    return buffer.getvalue()


def dump_model(model: Pipeline) -> bytes:
    """The bytes of a fitted pipeline, in canonical skops form."""
    import skops.io as sio

    return canonical_model_bytes(sio.dumps(model))


def _resolve(dotted: str) -> object | None:
    """The object a dotted name refers to, importing only its (installed) module."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute, None)
        return target
    return None


def _is_trusted(type_name: str, extra_roots: frozenset[str]) -> bool:
    """A class (never a function) from scikit-learn, NumPy, SciPy or the estimator's package."""
    if type_name.split(".", 1)[0] not in TRUSTED_MODULE_ROOTS | extra_roots:
        return False
    return isinstance(_resolve(type_name), type)


def load_model(
    data: bytes, *, origin: str, extra_trusted_roots: frozenset[str] = frozenset()
) -> Pipeline:
    """Load a skops model, refusing any type outside the allow-list (never a blind unpickle)."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ArtifactError(f"{origin}: not a skops model file ({exc})") from None
    refused = sorted(name for name in untrusted if not _is_trusted(name, extra_trusted_roots))
    if refused:
        raise ArtifactError(
            f"{origin}: refusing to load types outside the allow-list: {', '.join(refused)}"
        )
    try:
        model: Pipeline = sio.loads(data, trusted=list(untrusted))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        raise ArtifactError(
            f"{origin}: corrupt model file ({exc}); re-run `dvc repro train`"
        ) from None
    return model
